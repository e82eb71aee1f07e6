"use client";
// Trajectory filters as form controls. The caller keeps the filter in the URL; text search
// updates it after a short pause so typing doesn't fire a query per key.
import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { TrajectoryFilter } from "@/server/trajectories/filter-schema";
import { useTRPC } from "./trpc";

const SELECTS = [
  {
    key: "outcome",
    label: "Outcome",
    options: [
      ["correct", "correct"],
      ["incorrect", "incorrect"],
      ["unscored", "unscored"],
    ],
  },
  {
    key: "status",
    label: "Status",
    options: [
      ["finished", "finished"],
      ["max_steps", "max steps"],
      ["error", "error"],
    ],
  },
  {
    key: "error",
    label: "Errors",
    options: [
      ["any", "parse or exec error"],
      ["parse", "parse error"],
      ["exec", "execution error"],
      ["none", "no errors"],
    ],
  },
  {
    key: "verdict",
    label: "Verdict",
    options: [
      ["none", "not reviewed"],
      ["accept", "accepted"],
      ["reject", "rejected"],
    ],
  },
  {
    key: "ftp",
    label: "FTP",
    options: [
      ["on", "FTP on"],
      ["off", "FTP off"],
    ],
  },
] as const;

export function FilterBar({
  filter,
  onChange,
  showRun = false,
}: {
  filter: TrajectoryFilter;
  onChange: (next: TrajectoryFilter) => void;
  showRun?: boolean;
}) {
  const trpc = useTRPC();
  const benchmarks = useQuery(trpc.benchmarks.list.queryOptions());
  const runs = useQuery({ ...trpc.runs.list.queryOptions(), enabled: showRun });
  const [draft, setDraft] = useState(filter.q ?? "");
  const set = (key: keyof TrajectoryFilter, value: string) => onChange({ ...filter, [key]: value || undefined });

  useEffect(() => {
    if (draft === (filter.q ?? "")) return;
    const timer = setTimeout(() => onChange({ ...filter, q: draft || undefined }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft]);

  const benchmarkNames = [...new Set((benchmarks.data ?? []).map((b) => b.name))];
  return (
    <div className="toolbar filter-bar" role="search" aria-label="Filter trajectories">
      {showRun && (
        <label>
          Run
          <select value={filter.run ?? ""} onChange={(e) => set("run", e.target.value)}>
            <option value="">all runs</option>
            {runs.data?.map((r) => (
              <option key={r.id} value={r.name}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
      )}
      <label>
        Benchmark
        <select value={filter.benchmark ?? ""} onChange={(e) => set("benchmark", e.target.value)}>
          <option value="">all</option>
          {benchmarkNames.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      {SELECTS.map((s) => (
        <label key={s.key}>
          {s.label}
          <select value={filter[s.key] ?? ""} onChange={(e) => set(s.key, e.target.value)}>
            <option value="">all</option>
            {s.options.map(([value, text]) => (
              <option key={value} value={value}>
                {text}
              </option>
            ))}
          </select>
        </label>
      ))}
      <input
        type="search"
        aria-label="Search question or answer"
        placeholder="Text in question or answer…"
        value={draft}
        onChange={(e) => setDraft(e.target.value)}
      />
    </div>
  );
}
