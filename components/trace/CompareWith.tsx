"use client";
// The trajectory page's "Compare with…": the other answers to the same question (any run, any
// sample, newest runs first), or any trajectory by id; either opens /trajectories/compare.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { QueryFallback } from "@/components/QueryFallback";
import { useTRPC } from "@/components/trpc";
import { outcomeLabel, STATUS_LABELS } from "./format";

export const compareHref = (a: number, b: number) => `/trajectories/compare?a=${a}&b=${b}`;

export function CompareWith({ id }: { id: number }) {
  const [open, setOpen] = useState(false);
  return (
    <div className="compare-with">
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Compare with…
      </button>
      {open && <ComparePicker id={id} />}
    </div>
  );
}

function ComparePicker({ id }: { id: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const comparable = useQuery(trpc.trajectories.comparable.queryOptions({ id }));
  const [other, setOther] = useState("");
  const otherId = Number(other);
  const valid = Number.isInteger(otherId) && otherId > 0 && otherId !== id;
  return (
    <section role="region" aria-label="Compare with" className="compare-with-panel">
      {!comparable.isSuccess ? (
        <QueryFallback query={comparable} noun="comparable trajectories" />
      ) : comparable.data.length === 0 ? (
        <p className="muted">No other trajectory answers this question.</p>
      ) : (
        <table className="data" aria-label="Same question, other trajectories">
          <thead>
            <tr>
              <th>Run</th>
              <th>Role · model</th>
              <th>Sample</th>
              <th>Outcome</th>
              <th>Final answer</th>
            </tr>
          </thead>
          <tbody>
            {comparable.data.map((c) => (
              <tr key={c.id}>
                <td>
                  <Link href={compareHref(id, c.id)}>{c.runName}</Link>
                  {c.ftp && <span className="badge">FTP</span>}
                </td>
                <td>
                  {c.role} · {c.model}
                </td>
                <td>{c.sampleIdx}</td>
                <td>
                  <span className={`outcome-badge ${outcomeLabel(c.correct)}`}>{outcomeLabel(c.correct)}</span>{" "}
                  <span className={`status-badge ${c.status}`}>{STATUS_LABELS[c.status]}</span>
                </td>
                <td className="answer">{c.finalAnswer ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (valid) router.push(compareHref(id, otherId));
        }}
      >
        <label>
          Any trajectory by id <input type="number" min={1} inputMode="numeric" value={other} onChange={(e) => setOther(e.target.value)} />
        </label>{" "}
        <button type="submit" disabled={!valid}>
          Compare
        </button>
      </form>
    </section>
  );
}
