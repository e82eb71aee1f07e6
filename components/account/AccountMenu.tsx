"use client";
// Who is signed in, in the top bar (team mode only): name, role and a way out. In single-user
// mode it shows nothing; the verdict panel asks for a display name instead.
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/components/trpc";

async function signOut() {
  await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  window.location.assign("/sign-in");
}

export function AccountMenu() {
  const trpc = useTRPC();
  const me = useQuery({ ...trpc.users.me.queryOptions(), staleTime: 60_000, retry: false });
  if (me.data?.mode !== "team") return null;
  return (
    <div className="account">
      <span>
        {me.data.name} <span className="muted">({me.data.role})</span>
      </span>
      <button type="button" onClick={signOut}>
        Sign out
      </button>
    </div>
  );
}
