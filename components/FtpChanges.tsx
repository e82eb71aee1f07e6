"use client";
// Run-level FTP view: the questions where the first-thought prefix changed the outcome,
// against the newest (or the chosen) partner run of the same teacher and benchmark.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { outcomeLabel } from "./trace/format";
import { useTRPC } from "./trpc";

export function FtpChanges({ run, partner }: { run: string; partner?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const changes = useQuery(trpc.trajectories.ftpChanges.queryOptions({ run, partner }));
  if (changes.error) return <p className="error">{changes.error.message}</p>;
  if (!changes.data) return <p className="muted">Loading…</p>;
  const d = changes.data;
  const fixed = d.rows.filter((r) => r.ftpCorrect).length;
  return (
    <>
      <h1>FTP changed outcomes · {run}</h1>
      <p className="subtitle">
        <Link href={`/runs/${encodeURIComponent(run)}`}>← {run}</Link>
      </p>
      {!d.partner ? (
        <p className="muted">No run of the same teacher and benchmark with FTP {d.ftp ? "off" : "on"} to compare with.</p>
      ) : (
        <>
          <div className="toolbar">
            <label>
              Compared with
              <select value={d.partner} onChange={(e) => router.replace(`${pathname}?partner=${encodeURIComponent(e.target.value)}`)}>
                {d.partners.map((p) => (
                  <option key={p}>{p}</option>
                ))}
              </select>
            </label>
            <span className="muted">
              {d.paired} questions in both runs · FTP fixed {fixed}, broke {d.rows.length - fixed}
            </span>
          </div>
          <table className="data" aria-label="Questions where FTP changed the outcome">
            <thead>
              <tr>
                <th>Question</th>
                <th>Without FTP</th>
                <th>With FTP</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {d.rows.map((r) => (
                <tr key={r.questionId}>
                  <td className="question-text">{r.question}</td>
                  <td>
                    <Link href={`/trajectories/${r.plainId}`} className={`outcome-badge ${outcomeLabel(r.plainCorrect)}`}>
                      {outcomeLabel(r.plainCorrect)}
                    </Link>
                  </td>
                  <td>
                    <Link href={`/trajectories/${r.ftpId}`} className={`outcome-badge ${outcomeLabel(r.ftpCorrect)}`}>
                      {outcomeLabel(r.ftpCorrect)}
                    </Link>
                  </td>
                  <td>
                    <Link href={`/trajectories/${r.plainId}?compare=ftp`}>Compare</Link>
                  </td>
                </tr>
              ))}
              {d.rows.length === 0 && (
                <tr>
                  <td colSpan={4} className="muted">
                    FTP changed no outcome.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
