import { BenchmarkTable } from "@/components/BenchmarkTable";
import { RunsTable } from "@/components/RunsTable";

export default function HomePage() {
  return (
    <>
      <h2 id="runs">Runs</h2>
      <p className="subtitle">Teacher and student runs: open one to inspect, filter and annotate its trajectories.</p>
      <RunsTable />
      <h2 id="benchmarks" className="section-gap">
        Benchmarks
      </h2>
      <p className="subtitle">
        The questions of Kang et al. (NeurIPS 2025): training sets for teacher trajectories, and the eight test sets.
      </p>
      <BenchmarkTable />
    </>
  );
}
