"use client";
// Multi-select of the runs to compare. The selection lives in the URL (?runs=a,b,c), so a
// comparison is a link to share.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { QueryFallback } from "../QueryFallback";
import { useTRPC } from "../trpc";
import { fmtPct } from "./series";

export function RunPicker({ selected, onChange }: { selected: string[]; onChange: (names: string[]) => void }) {
  const trpc = useTRPC();
  const query = useQuery(trpc.runs.list.queryOptions());
  const [filter, setFilter] = useState("");
  if (!query.isSuccess) return <QueryFallback query={query} noun="runs" />;
  const data = query.data;
  const needle = filter.trim().toLowerCase();
  const visible = data.filter(
    (r) => !needle || [r.name, r.model, r.benchmark ?? "", ...r.tags].some((t) => t.toLowerCase().includes(needle)),
  );
  const toggle = (name: string) => onChange(selected.includes(name) ? selected.filter((n) => n !== name) : [...selected, name]);

  return (
    <section className="run-picker" aria-label="Pick runs">
      <div className="toolbar">
        <input
          type="search"
          placeholder="Filter runs by name, model, benchmark or tag"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter runs"
        />
        <span className="muted small">
          {selected.length} of {data.length} selected
        </span>
        <button type="button" className="link-button" onClick={() => onChange([...new Set([...selected, ...visible.map((r) => r.name)])])}>
          Select shown
        </button>
        <button type="button" className="link-button" disabled={selected.length === 0} onClick={() => onChange([])}>
          Clear
        </button>
      </div>
      {data.length === 0 ? (
        <p className="muted">No runs yet.</p>
      ) : (
        <div className="run-picker-list">
          <table className="data">
            <thead>
              <tr>
                <th aria-label="Selected" />
                <th>Run</th>
                <th>Benchmark</th>
                <th>Role · mode</th>
                <th>FTP · SAG</th>
                <th>Tags</th>
                <th className="num">n</th>
                <th className="num">Accuracy</th>
              </tr>
            </thead>
            <tbody>
              {visible.map((r) => (
                <tr key={r.id} className="row-link" onClick={() => toggle(r.name)}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={r.name}
                      checked={selected.includes(r.name)}
                      onChange={() => toggle(r.name)}
                      onClick={(e) => e.stopPropagation()}
                    />
                  </td>
                  <td>{r.name}</td>
                  <td>{r.benchmark ?? "?"}</td>
                  <td>
                    {r.role} · {r.mode}
                  </td>
                  <td>
                    {r.ftp ? "FTP" : "—"} · {r.sag > 1 ? `×${r.sag}` : "—"}
                  </td>
                  <td className="small">{r.tags.join(" ")}</td>
                  <td className="num">{r.stats.trajectories}</td>
                  <td className="num">{fmtPct(r.stats.accuracy)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
