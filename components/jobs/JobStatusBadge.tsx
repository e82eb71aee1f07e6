// A job's status in its colour, and its progress bar while it runs.
import { isActive, percent } from "./job-status";

export function JobStatusBadge({ status }: { status: string }) {
  return <span className={`job-status ${status}`}>{status}</span>;
}

export function JobProgress({ status, progress }: { status: string; progress: { done: number; total: number; label?: string } | null }) {
  if (!progress || progress.total <= 0) return null;
  const pct = percent(progress.done, progress.total);
  return (
    <div className={`job-progress${isActive(status) ? " live" : ""}`} title={progress.label}>
      <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={progress.total} aria-valuenow={progress.done}>
        <div className="fill" style={{ width: `${pct}%` }} />
      </div>
      <span className="small muted">
        {progress.done}/{progress.total}
        {progress.label ? ` · ${progress.label}` : ""}
      </span>
    </div>
  );
}
