"use client";
// Every run on the home page: what it is, how far it got and how well it did. While any run's
// job is queued or running, the list (which carries each run's job progress) is polled.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { QueryFallback } from "./QueryFallback";
import { useTRPC } from "./trpc";

const ACTIVE = new Set(["queued", "running", "pending"]);

export function RunsTable() {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.runs.list.queryOptions(),
    refetchInterval: (q) => (q.state.data?.some((r) => ACTIVE.has(r.status) || (r.job && ACTIVE.has(r.job.status))) ? 2000 : false),
  });
  if (!query.isSuccess) return <QueryFallback query={query} noun="runs" />;
  const data = query.data;
  if (data.length === 0) {
    return (
      <p className="muted">
        No runs yet. Start one with <code>npx distillery generate --benchmark … --model-url … --model …</code>.
      </p>
    );
  }
  return (
    <table className="data" aria-label="Runs">
      <thead>
        <tr>
          <th>Run</th>
          <th>Model</th>
          <th>Mode</th>
          <th>FTP</th>
          <th>SAG</th>
          <th className="num">Trajectories</th>
          <th className="num">Accuracy</th>
          <th>Status</th>
        </tr>
      </thead>
      <tbody>
        {data.map((r) => {
          const progress = r.job?.progress;
          const running = r.job && ACTIVE.has(r.job.status);
          return (
            <tr key={r.id}>
              <td>
                <Link href={`/runs/${encodeURIComponent(r.name)}`}>{r.name}</Link>
                <div className="muted small">
                  {r.benchmark ?? "?"} · {r.split ?? "?"} · {r.role}
                </div>
              </td>
              <td className="answer">{r.model}</td>
              <td>{r.mode}</td>
              <td>{r.ftp ? "on" : "off"}</td>
              <td>{r.sag > 1 ? `×${r.sag}` : "off"}</td>
              <td className="num">
                {r.stats.trajectories}
                {r.stats.parseErrors + r.stats.execErrors > 0 && (
                  <div className="muted small">
                    {r.stats.parseErrors} parse · {r.stats.execErrors} exec err
                  </div>
                )}
              </td>
              <td className="num">{r.stats.accuracy === null ? "—" : `${(r.stats.accuracy * 100).toFixed(1)}%`}</td>
              <td>
                <span className={`run-status ${r.status}`}>{r.status}</span>
                {running && progress && progress.total > 0 && (
                  <div className="progress" aria-label={`Progress of ${r.name}`}>
                    <progress max={progress.total} value={progress.done} /> {progress.done}/{progress.total}
                  </div>
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
