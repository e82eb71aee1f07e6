// Several people's verdicts on one item, side by side: name, verdict, reason, note.
import { REASON_LABELS, type RejectReason } from "@/server/annotations/reasons";

type Shown = { userName: string; verdict: string; reason: string | null; note: string | null };

export function VerdictList({ verdicts }: { verdicts: Shown[] }) {
  return (
    <ul className="verdict-list">
      {verdicts.map((v) => (
        <li key={v.userName}>
          <b>{v.userName}</b> <span className={`badge ${v.verdict}`}>{v.verdict}</span>
          {v.reason ? ` ${REASON_LABELS[v.reason as RejectReason] ?? v.reason}` : ""}
          {v.note ? <span className="muted"> — {v.note}</span> : null}
        </li>
      ))}
    </ul>
  );
}
