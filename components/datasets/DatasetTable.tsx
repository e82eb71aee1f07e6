"use client";
// Every dataset version: what it holds, how it was filtered and its content hash.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { QueryFallback } from "@/components/QueryFallback";
import { useTRPC } from "@/components/trpc";
import { filterSummary } from "./dataset-form";

export function DatasetTable() {
  const trpc = useTRPC();
  const query = useQuery(trpc.datasets.list.queryOptions());
  if (!query.isSuccess) return <QueryFallback query={query} noun="datasets" />;
  const data = query.data;
  if (data.length === 0) {
    return (
      <p className="muted">
        No datasets yet. Create one below, or with <code>npx distillery dataset create NAME --run RUN</code>.
      </p>
    );
  }
  return (
    <table className="data" aria-label="Datasets">
      <thead>
        <tr>
          <th>Dataset</th>
          <th>Kind</th>
          <th className="num">Trajectories</th>
          <th>Filter</th>
          <th>Hash</th>
          <th>Created</th>
        </tr>
      </thead>
      <tbody>
        {data.map((d) => {
          const ref = `${d.name}@${d.version}`;
          return (
            <tr key={d.id}>
              <td>
                <Link href={`/datasets/${encodeURIComponent(ref)}`}>{ref}</Link>
              </td>
              <td>
                <span className="badge">{d.kind}</span>
              </td>
              <td className="num">{d.size}</td>
              <td className="small">{filterSummary(d.filter)}</td>
              <td className="answer" title={d.contentHash}>
                {d.contentHash.slice(0, 12)}
              </td>
              <td className="small muted">{new Date(d.createdAt).toLocaleString()}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
