import { BenchmarkTable } from "@/components/BenchmarkTable";

export default function HomePage() {
  return (
    <>
      <h1>Benchmarks</h1>
      <p className="subtitle">
        The questions of Kang et al. (NeurIPS 2025): training sets for teacher trajectories, and the eight test sets.
      </p>
      <BenchmarkTable />
    </>
  );
}
