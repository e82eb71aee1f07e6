"use client";
// One job, live: status, progress, loss and learning-rate curves, log tail, result; Cancel while
// it is queued or running, Retry when it failed or was cancelled (a training job resumes from
// its last checkpoint), Evaluate once a training job has registered its student.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { QueryFallback } from "@/components/QueryFallback";
import { useTRPC } from "@/components/trpc";
import { EvaluatePanel } from "./EvaluatePanel";
import { canCancel, canRetry, isActive, jobRun, jobSubject, metricSeries } from "./job-status";
import { JobProgress, JobStatusBadge } from "./JobStatusBadge";
import { LogTail } from "./LogTail";
import { MetricCharts } from "./MetricCharts";

const POLL_MS = 2000;
const when = (d: Date | string | null) => (d ? new Date(d).toLocaleString() : "—");

export function JobDetail({ id }: { id: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const job = useQuery({
    ...trpc.jobs.get.queryOptions({ id }),
    refetchInterval: (q) => (q.state.data && !isActive(q.state.data.status) ? false : POLL_MS),
  });
  const running = job.data ? isActive(job.data.status) : true;
  const isTrain = job.data?.kind === "train";
  const hasCurves = isTrain || job.data?.kind === "distill";
  const metrics = useQuery({
    ...trpc.jobs.metrics.queryOptions({ id }),
    enabled: hasCurves,
    refetchInterval: running ? POLL_MS : false,
  });
  // One last fetch once the job has ended picks up the steps logged after the previous poll.
  const status = job.data?.status;
  const { refetch: refetchMetrics } = metrics;
  useEffect(() => {
    if (hasCurves && status && !isActive(status)) void refetchMetrics();
  }, [hasCurves, status, refetchMetrics]);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.jobs.pathKey() });
  const cancel = useMutation(trpc.jobs.cancel.mutationOptions({ onSuccess: refresh }));
  const retry = useMutation(
    trpc.jobs.retry.mutationOptions({
      onSuccess: async ({ jobId }) => {
        await refresh();
        router.push(`/jobs/${jobId}`);
      },
    }),
  );

  if (!job.isSuccess) return <QueryFallback query={job} noun={`job ${id}`} />;
  const j = job.data;
  const run = jobRun(j.kind, j.config);
  const result = j.result ?? null;
  const student = isTrain && j.status === "succeeded" && typeof result?.model === "string" ? result.model : null;
  return (
    <>
      <p className="small">
        <Link href="/jobs">← Jobs</Link>
      </p>
      <div className="job-head">
        <h1>
          Job #{j.id} · {j.kind}
        </h1>
        <JobStatusBadge status={j.status} />
        <div className="job-actions">
          {canCancel(j.status) && (
            <button type="button" className="danger" onClick={() => cancel.mutate({ id })} disabled={cancel.isPending}>
              Cancel
            </button>
          )}
          {canRetry(j.status) && (
            <button type="button" className="secondary" onClick={() => retry.mutate({ id })} disabled={retry.isPending}>
              Retry
            </button>
          )}
        </div>
      </div>
      {(cancel.error || retry.error) && <p className="error">{(cancel.error ?? retry.error)!.message}</p>}
      <p className="subtitle">{jobSubject(j.kind, j.config)}</p>
      <JobProgress status={j.status} progress={j.progress} />
      <dl className="qa-grid panel">
        <dt>Backend</dt>
        <dd>
          {j.backend}
          {j.externalId && <span className="muted small"> · {j.externalId}</span>}
        </dd>
        <dt>Created</dt>
        <dd>{when(j.createdAt)}</dd>
        <dt>Started</dt>
        <dd>{when(j.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{when(j.finishedAt)}</dd>
        {run && (
          <>
            <dt>Run</dt>
            <dd>
              <Link href={`/runs/${encodeURIComponent(run)}`}>{run}</Link>
            </dd>
          </>
        )}
        {j.error && (
          <>
            <dt>Error</dt>
            <dd className="error answer">{j.error}</dd>
          </>
        )}
        {result && (
          <>
            <dt>Result</dt>
            <dd>
              <pre className="answer job-json">{JSON.stringify(result, null, 2)}</pre>
            </dd>
          </>
        )}
        <dt>Config</dt>
        <dd>
          <details>
            <summary className="small muted">as stored</summary>
            <pre className="answer job-json">{JSON.stringify(j.config, null, 2)}</pre>
          </details>
        </dd>
      </dl>

      {hasCurves && (
        <section aria-label={isTrain ? "Training curves" : "Distillation rounds"} className="section-gap">
          <h2>{isTrain ? "Training curves" : "Distillation rounds"}</h2>
          {metrics.error ? (
            <p className="error">Could not load metrics: {metrics.error.message}</p>
          ) : (
            <MetricCharts points={metricSeries(metrics.data ?? [])} curves={isTrain ? "train" : "distill"} />
          )}
        </section>
      )}

      {student && (
        <section className="section-gap">
          <h2>Evaluate {student}</h2>
          <p className="subtitle">An eval run of the student on a test benchmark, with SAG on or off.</p>
          <EvaluatePanel model={student} />
        </section>
      )}

      <section className="section-gap">
        <h2>Log tail</h2>
        <LogTail text={j.logTail} />
      </section>
    </>
  );
}
