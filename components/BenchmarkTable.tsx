"use client";
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { QueryFallback } from "./QueryFallback";
import { useTRPC } from "./trpc";

export function BenchmarkTable() {
  const trpc = useTRPC();
  const query = useQuery(trpc.benchmarks.list.queryOptions());
  if (!query.isSuccess) return <QueryFallback query={query} noun="benchmarks" />;
  const data = query.data;
  if (data.length === 0) {
    return (
      <p className="muted">
        No benchmarks yet. Run <code>npx distillery import-benchmarks</code> to load <code>data/benchmarks/</code>.
      </p>
    );
  }
  return (
    <table className="data" aria-label="Benchmarks">
      <thead>
        <tr>
          <th>Benchmark</th>
          <th>Name</th>
          <th>Kind</th>
          <th>Split</th>
          <th className="num">Questions</th>
        </tr>
      </thead>
      <tbody>
        {data.map((b) => (
          <tr key={b.id}>
            <td>
              <Link href={`/benchmarks/${b.id}`}>{b.title}</Link>
            </td>
            <td className="answer">{b.name}</td>
            <td>
              <span className={`badge ${b.kind}`}>{b.kind}</span>
            </td>
            <td>{b.split}</td>
            <td className="num">{b.questionCount}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
