"use client";
// Why a run's wrong answers are wrong: the failure taxonomy (server/trajectories/failures.ts),
// one kind per graded-wrong trajectory, with a few of each to open.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "./trpc";

const EXAMPLES = 5;

export function RunFailures({ run }: { run: string }) {
  const trpc = useTRPC();
  const failures = useQuery(trpc.runs.failures.queryOptions({ name: run }));
  const d = failures.data;
  if (!d || d.incorrect === 0) return null;
  return (
    <details className="run-failures">
      <summary>
        Why {d.incorrect} of {d.trajectories} answers are wrong
      </summary>
      <table className="data" aria-label="Failure kinds">
        <thead>
          <tr>
            <th>Failure</th>
            <th>Count</th>
            <th>Share</th>
            <th>Meaning</th>
            <th>Examples</th>
          </tr>
        </thead>
        <tbody>
          {d.kinds.map((k) => (
            <tr key={k.kind}>
              <td>{k.kind.replaceAll("_", " ")}</td>
              <td>{k.count}</td>
              <td>{((100 * k.count) / d.incorrect).toFixed(0)}%</td>
              <td className="muted">{k.description}</td>
              <td>
                {k.trajectories.slice(0, EXAMPLES).map((id) => (
                  <Link key={id} href={`/trajectories/${id}`} className="example-link">
                    #{id}
                  </Link>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}
