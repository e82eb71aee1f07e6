"use client";
// Every job (generate, eval, train): what it works on, where it runs, how far it got. Polled
// every 2 s while any job is queued or running.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { QueryFallback } from "@/components/QueryFallback";
import { useTRPC } from "@/components/trpc";
import { isActive, jobSubject } from "./job-status";
import { JobProgress, JobStatusBadge } from "./JobStatusBadge";

export function JobTable() {
  const trpc = useTRPC();
  const query = useQuery({
    ...trpc.jobs.list.queryOptions(),
    refetchInterval: (q) => (q.state.data?.some((j) => isActive(j.status)) ? 2000 : false),
  });
  if (!query.isSuccess) return <QueryFallback query={query} noun="jobs" />;
  const data = query.data;
  if (data.length === 0) return <p className="muted">No jobs yet. Train a student below, or generate a run.</p>;
  return (
    <table className="data" aria-label="Jobs">
      <thead>
        <tr>
          <th>Job</th>
          <th>Kind</th>
          <th>Backend</th>
          <th>Status</th>
          <th>Progress</th>
          <th>Created</th>
          <th>Error</th>
        </tr>
      </thead>
      <tbody>
        {data.map((j) => (
          <tr key={j.id}>
            <td>
              <Link href={`/jobs/${j.id}`}>#{j.id}</Link>
              <div className="muted small">{jobSubject(j.kind, j.config)}</div>
            </td>
            <td>{j.kind}</td>
            <td>{j.backend}</td>
            <td>
              <JobStatusBadge status={j.status} />
            </td>
            <td>
              <JobProgress status={j.status} progress={j.progress} />
            </td>
            <td className="small muted">{new Date(j.createdAt).toLocaleString()}</td>
            <td className="small error job-error" title={j.error ?? undefined}>
              {j.error}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
