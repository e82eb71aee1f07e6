"use client";
// A queue's agreement: percent agreement, Fleiss' kappa and Gwet's AC1 over everyone, Cohen's
// kappa and AC1 per pair (the run's grader can join as an annotator: "judge vs human" is the same
// table), and the disagreements side by side — each openable, and settled by a researcher's final
// verdict (adjudication), which datasets then use.
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useVerdictsChanged } from "@/components/trace/VerdictPanel";
import { useTRPC } from "@/components/trpc";
import { REASON_LABELS, REJECT_REASONS, type RejectReason } from "@/server/annotations/reasons";
import { VerdictList } from "./VerdictList";

const fmt = (x: number | null | undefined) => (x === null || x === undefined ? "—" : x.toFixed(3));

function Adjudicate({ trajectoryId }: { trajectoryId: number }) {
  const trpc = useTRPC();
  const [reason, setReason] = useState<RejectReason>("wrong_answer");
  const changed = useVerdictsChanged();
  const rule = useMutation(trpc.review.adjudicate.mutationOptions({ onSuccess: changed }));
  return (
    <span className="adjudicate">
      <button type="button" disabled={rule.isPending} onClick={() => rule.mutate({ trajectoryId, verdict: "accept" })}>
        Final: accept
      </button>
      <select aria-label="Final rejection reason" value={reason} onChange={(e) => setReason(e.target.value as RejectReason)}>
        {REJECT_REASONS.map((r) => (
          <option key={r} value={r}>
            {REASON_LABELS[r]}
          </option>
        ))}
      </select>
      <button type="button" disabled={rule.isPending} onClick={() => rule.mutate({ trajectoryId, verdict: "reject", reason })}>
        Final: reject
      </button>
      {rule.error && <span className="error"> {rule.error.message}</span>}
    </span>
  );
}

export function AgreementPanel({ queueId }: { queueId: number }) {
  const trpc = useTRPC();
  const [withGrader, setWithGrader] = useState(false);
  const table = useQuery(trpc.review.agreement.queryOptions({ id: queueId, withGrader }));
  const t = table.data;
  return (
    <section aria-label="Agreement" className="agreement">
      <h2>Agreement</h2>
      <label>
        <input type="checkbox" checked={withGrader} onChange={(e) => setWithGrader(e.target.checked)} /> Include the run&apos;s grader as an
        annotator (correct = accept)
      </label>
      {table.error && <p className="error">{table.error.message}</p>}
      {t && (
        <>
          <table aria-label="Queue agreement">
            <thead>
              <tr>
                <th>Annotators</th>
                <th>Items with ≥ 2 verdicts</th>
                <th>Percent agreement</th>
                <th>Fleiss&apos; κ</th>
                <th>Gwet&apos;s AC1</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <td>{t.annotators.join(", ") || "—"}</td>
                <td>{t.fleiss.n}</td>
                <td>{t.percent === null ? "—" : `${(t.percent * 100).toFixed(1)}%`}</td>
                <td>{fmt(t.fleiss.kappa)}</td>
                <td>{fmt(t.ac1.kappa)}</td>
              </tr>
            </tbody>
          </table>
          {t.pairs.length > 0 && (
            <table aria-label="Agreement per pair">
              <thead>
                <tr>
                  <th>Pair</th>
                  <th>Items in common</th>
                  <th>Percent agreement</th>
                  <th>Cohen&apos;s κ</th>
                  <th>Gwet&apos;s AC1</th>
                </tr>
              </thead>
              <tbody>
                {t.pairs.map((p) => (
                  <tr key={`${p.a}|${p.b}`}>
                    <td>
                      {p.a} · {p.b}
                    </td>
                    <td>{p.n}</td>
                    <td>{`${(p.percent * 100).toFixed(1)}%`}</td>
                    <td>{fmt(p.cohen)}</td>
                    <td>{fmt(p.ac1)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <h3>Disagreements ({t.disagreements.length})</h3>
          {t.disagreements.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul className="disagreements" aria-label="Disagreements">
              {t.disagreements.map((d) => (
                <li key={d.trajectoryId} className="card">
                  <Link href={`/trajectories/${d.trajectoryId}`}>Trajectory {d.trajectoryId}</Link>{" "}
                  <Link href={`/review/${queueId}?item=${d.trajectoryId}`}>open in the queue</Link>
                  <VerdictList verdicts={d.verdicts} />
                  {d.final ? (
                    <p>
                      Final: <span className={`badge ${d.final.verdict}`}>{d.final.verdict}</span> by {d.final.userName}
                    </p>
                  ) : (
                    <Adjudicate trajectoryId={d.trajectoryId} />
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}
