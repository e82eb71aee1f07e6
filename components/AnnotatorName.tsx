"use client";
// Who is annotating. Single-user mode: a name kept in localStorage and sent as the
// x-distillery-user header (components/trpc.tsx) with every API call, so verdicts record who
// gave them. Team mode: the signed-in account, which the server takes from the session.
import { useQuery } from "@tanstack/react-query";
import { useSyncExternalStore } from "react";
import { useTRPC } from "./trpc";

export const ANNOTATOR_KEY = "distillery-user";

const listeners = new Set<() => void>();
function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function annotatorName(): string {
  if (typeof window === "undefined") return "";
  return window.localStorage.getItem(ANNOTATOR_KEY) ?? "";
}

export function setAnnotatorName(name: string) {
  if (name.trim()) window.localStorage.setItem(ANNOTATOR_KEY, name.trim());
  else window.localStorage.removeItem(ANNOTATOR_KEY);
  for (const l of listeners) l();
}

export function AnnotatorName() {
  const trpc = useTRPC();
  const me = useQuery({ ...trpc.users.me.queryOptions(), staleTime: 60_000, retry: false });
  const name = useSyncExternalStore(subscribe, annotatorName, () => "");
  if (me.data?.mode === "team") {
    return (
      <span className="annotator">
        as <strong>{me.data.name}</strong>
      </span>
    );
  }
  return (
    <label className="annotator">
      as
      <input
        aria-label="Annotator name"
        placeholder="anonymous"
        defaultValue={name}
        key={name}
        size={12}
        onBlur={(e) => setAnnotatorName(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter") (e.target as HTMLInputElement).blur();
        }}
      />
    </label>
  );
}
