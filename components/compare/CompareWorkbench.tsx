"use client";
// The compare page: pick runs (kept in the URL as ?runs=a,b,c, train jobs as ?jobs=1,2), then
// six charts, each exportable as CSV and PNG. Charts 1–5 come from one query (compare.runs).
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTRPC } from "../trpc";
import { AccuracyChart } from "./AccuracyChart";
import { FtpChart } from "./FtpChart";
import { LossChart } from "./LossChart";
import { MethodMatrix } from "./MethodMatrix";
import { RunPicker } from "./RunPicker";
import { SagChart } from "./SagChart";
import { TokensChart } from "./TokensChart";
import { useUrlList } from "./useUrlList";

export function CompareWorkbench() {
  const trpc = useTRPC();
  const [runs, setRuns] = useUrlList("runs");
  const [jobParam, setJobParam] = useUrlList("jobs");
  const trainJobs = jobParam.map(Number).filter((n) => Number.isInteger(n) && n > 0);

  const compare = useQuery({ ...trpc.compare.runs.queryOptions({ runs }), enabled: runs.length > 0, placeholderData: keepPreviousData });
  const data = runs.length > 0 ? compare.data : undefined;

  return (
    <>
      <h1>Compare runs</h1>
      <p className="subtitle">
        Pick runs to set them side by side: accuracy per benchmark, the paper&apos;s method matrix, teacher FTP, student SAG, token cost and
        training loss.
      </p>
      <RunPicker selected={runs} onChange={setRuns} />
      {compare.error && <p className="error">Could not compare: {compare.error.message}</p>}
      {data && data.missing.length > 0 && <p className="error">No run named: {data.missing.join(", ")}</p>}
      {runs.length === 0 && <p className="muted section-gap">Select one or more runs above.</p>}
      {data && data.runs.length > 0 && (
        <div className="chart-grid" aria-busy={compare.isFetching}>
          <AccuracyChart rows={data.accuracy} />
          <MethodMatrix matrix={data.matrix} />
          <FtpChart rows={data.ftp} />
          <SagChart rows={data.sag} />
          <TokensChart rows={data.tokens} />
        </div>
      )}
      {(runs.length > 0 || trainJobs.length > 0) && (
        <div className="chart-grid">
          <LossChart runs={runs} trainJobs={trainJobs} onTrainJobsChange={(ids) => setJobParam(ids.map(String))} />
        </div>
      )}
    </>
  );
}
