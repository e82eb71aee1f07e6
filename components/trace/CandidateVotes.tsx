"use client";
// The SAG panel of the focused step: candidates grouped by their vote key (what they printed
// and answered), vote counts, the chosen one marked, failed ones greyed with their error.
// Picking a candidate shows it in the editor as a diff against the chosen one.
import type { CandidateSummary, StepDetail } from "@/server/trajectories/detail";

type Group = { key: string; label: string; votes: number; failed: boolean; members: CandidateSummary[] };

export function groupCandidates(candidates: CandidateSummary[]): Group[] {
  const groups = new Map<string, Group>();
  for (const c of candidates) {
    const failed = !c.parseOk || !c.execOk;
    const key = failed ? "\u0000failed" : (c.voteKey ?? `#${c.idx}`);
    const label = failed
      ? "Failed"
      : c.finalAnswer
        ? `final answer: ${c.finalAnswer}`
        : (c.output ?? "").trim().slice(0, 120) || "(no output)";
    const group = groups.get(key) ?? { key, label, votes: 0, failed, members: [] };
    group.members.push(c);
    if (!failed) group.votes = group.members.length;
    groups.set(key, group);
  }
  return [...groups.values()].sort((a, b) => Number(a.failed) - Number(b.failed) || b.votes - a.votes);
}

export function CandidateVotes({
  step,
  selectedId,
  onSelect,
}: {
  step: StepDetail;
  selectedId: number | null;
  onSelect: (candidateId: number | null) => void;
}) {
  const groups = groupCandidates(step.candidates);
  return (
    <section role="region" aria-label="Candidates" className="candidates">
      <header className="candidates-head">
        <strong>SAG candidates · step {step.idx + 1}</strong>
        <span className="muted">
          {step.candidates.length} sampled · {groups.filter((g) => !g.failed).length} outcome groups
        </span>
      </header>
      {groups.map((g) => (
        <div key={g.key} className={`vote-group${g.failed ? " failed" : ""}`}>
          <div className="vote-group-head">
            <span className="vote-count" aria-label={`${g.failed ? 0 : g.votes} votes`}>
              {g.failed ? "✗" : `${g.votes} vote${g.votes === 1 ? "" : "s"}`}
            </span>
            <span className="vote-key" title={g.label}>
              {g.label}
            </span>
          </div>
          <ul>
            {g.members.map((c) => (
              <li key={c.id}>
                <button
                  type="button"
                  className={`candidate${c.chosen ? " chosen" : ""}${g.failed ? " failed" : ""}`}
                  aria-pressed={selectedId === c.id}
                  onClick={() => onSelect(selectedId === c.id ? null : c.id)}
                >
                  Candidate {c.idx + 1}
                  {c.chosen && <span className="chosen-mark"> ✓ chosen</span>}
                </button>
                {g.failed && <div className="candidate-error">{!c.parseOk ? "parse error" : (c.error ?? "execution failed")}</div>}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}
