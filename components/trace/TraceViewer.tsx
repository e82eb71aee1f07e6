"use client";
// The trajectory page: outline | linear transcript | the focused step's editor and SAG votes.
// j/k move the focus, #step-N deep-links a step, one Monaco editor follows the focus, and long
// observations stay collapsed until asked for (`full` turns all of that off: the bench baseline).
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useCallback, useEffect, useMemo, useState } from "react";
import { QueryFallback } from "@/components/QueryFallback";
import { useTRPC } from "@/components/trpc";
import { filterToParams, type TrajectoryFilter } from "@/server/trajectories/filter-schema";
import { CandidateVotes } from "./CandidateVotes";
import { mostDisputed, SHADES } from "./disagreement";
import { CompareWith } from "./CompareWith";
import { MonacoPane, type MonacoContent } from "./MonacoPane";
import { Outline } from "./Outline";
import { PairCompare } from "./PairCompare";
import { StepCard } from "./StepCard";
import { TraceHeader } from "./TraceHeader";
import { useShortcuts } from "./useShortcuts";

function stepFromHash(): number | null {
  const m = /^#step-(\d+)$/.exec(window.location.hash);
  return m ? Number(m[1]) : null;
}

function candidateText(c: { code: string | null; output: string | null; error: string | null } | undefined): string {
  if (!c) return "";
  return `${c.code ?? "# (no code: parse error)"}\n\n# ── output ──\n${c.output ?? c.error ?? ""}`;
}

export function TraceViewer({
  id,
  full = false,
  filter = {},
  compare = false,
  onCompareChange,
  showNav = true,
  children,
}: {
  id: number;
  full?: boolean;
  filter?: TrajectoryFilter;
  compare?: boolean;
  onCompareChange?: (on: boolean) => void;
  /** Previous/next trajectory links (the review queue has its own). */
  showNav?: boolean;
  /** Extra controls under the header (the verdict panel). */
  children?: React.ReactNode;
}) {
  const trpc = useTRPC();
  const trajectory = useQuery(trpc.trajectories.get.queryOptions({ id, full }));
  const partners = useQuery(trpc.trajectories.ftpPartners.queryOptions({ id }));
  // A distillation round's episode: the teacher's per-token scores of what the student wrote.
  const scores = useQuery(trpc.trajectories.tokenScores.queryOptions({ id }));
  const scoresByStep = useMemo(() => new Map((scores.data?.steps ?? []).map((s) => [s.idx, s])), [scores.data]);
  const disputed = useMemo(() => mostDisputed(scores.data?.steps ?? []), [scores.data]);
  // The focused step starts from the deep link (#step-N), if any.
  const [focusState, setFocused] = useState(() => (typeof window === "undefined" ? 0 : (stepFromHash() ?? 0)));
  const [selected, setSelected] = useState<number | null>(null);
  // Without a URL to keep it in (the review queue), the compare switch is local state.
  const [localCompare, setLocalCompare] = useState(false);
  const comparing = onCompareChange ? compare : localCompare;
  const setComparing = onCompareChange ?? setLocalCompare;
  const steps = useMemo(() => trajectory.data?.steps ?? [], [trajectory.data]);
  const focused = Math.max(0, Math.min(steps.length - 1, focusState));
  const step = steps[focused];

  const focus = useCallback(
    (idx: number, scroll = true) => {
      if (steps.length === 0) return;
      const next = Math.max(0, Math.min(steps.length - 1, idx));
      setFocused(next);
      setSelected(null);
      window.history.replaceState(null, "", `${window.location.pathname}${window.location.search}#step-${next}`);
      if (scroll) document.getElementById(`step-${next}`)?.scrollIntoView({ block: "start" });
    },
    [steps.length],
  );

  // Once the steps are on the page, bring a deep-linked step into view.
  const loaded = steps.length > 0;
  useEffect(() => {
    if (loaded && stepFromHash() !== null) document.getElementById(`step-${stepFromHash()}`)?.scrollIntoView({ block: "start" });
  }, [loaded]);
  // Following a #step-N link within the page focuses that step.
  useEffect(() => {
    const onHash = () => {
      const idx = stepFromHash();
      if (idx !== null) focus(idx);
    };
    window.addEventListener("hashchange", onHash);
    return () => window.removeEventListener("hashchange", onHash);
  }, [focus]);

  useShortcuts({ j: () => focus(focused + 1), k: () => focus(focused - 1) }, trajectory.isSuccess && !comparing);

  const chosenId = step?.candidates.find((c) => c.chosen)?.id;
  const selectedCandidate = useQuery({
    ...trpc.trajectories.candidate.queryOptions({ candidateId: selected ?? 0 }),
    enabled: selected !== null,
  });
  const chosenCandidate = useQuery({
    ...trpc.trajectories.candidate.queryOptions({ candidateId: chosenId ?? 0 }),
    enabled: selected !== null && chosenId !== undefined,
  });
  const content = useMemo<MonacoContent>(() => {
    if (selected !== null && selectedCandidate.data) {
      const picked = selectedCandidate.data;
      return {
        kind: "diff",
        original: candidateText(chosenCandidate.data ?? undefined),
        modified: candidateText(picked),
        label: `Candidate ${picked.idx + 1} against the chosen candidate`,
      };
    }
    const tokens = step?.code ? scoresByStep.get(step.idx)?.code : undefined;
    return { kind: "code", value: step?.code ?? "# no code in this step", label: `Code of step ${focused + 1}`, tokens };
  }, [selected, selectedCandidate.data, chosenCandidate.data, step, focused, scoresByStep]);

  if (!trajectory.isSuccess) return <QueryFallback query={trajectory} noun="trajectory" />;
  const t = trajectory.data;
  const partner = partners.data?.[0];
  const pair = partner ? (t.run.ftp ? { plain: partner.id, ftp: t.id } : { plain: t.id, ftp: partner.id }) : null;
  const query = filterToParams(filter).toString();

  return (
    <div className={`trace${full ? " no-lazy" : ""}`}>
      {showNav && <TraceNav id={id} filter={filter} />}
      <div className="trace-tools">
        {pair && (
          <>
            <button type="button" aria-pressed={comparing} onClick={() => setComparing(!comparing)}>
              Compare FTP
            </button>
            <Link href={`/trajectories/${partner!.id}${query ? `?${query}` : ""}`}>
              Open the {partner!.ftp ? "FTP" : "no-FTP"} trajectory ({partner!.runName})
            </Link>
          </>
        )}
        <CompareWith id={id} />
      </div>
      {comparing && pair ? (
        <PairCompare a={pair.plain} b={pair.ftp} />
      ) : (
        <div className="trace-grid">
          <Outline steps={steps} focused={focused} onJump={(idx) => focus(idx)} disputed={disputed} scores={scoresByStep} />
          <section role="region" aria-label="Transcript" className="transcript">
            <TraceHeader trajectory={t} />
            {children}
            {steps.length === 0 && <p className="muted">This trajectory has no steps.</p>}
            {steps.map((s) => (
              <StepCard
                key={s.id}
                step={s}
                focused={s.idx === focused}
                expandAll={full}
                ftpPrefix={t.ftpPrefix}
                scores={scoresByStep.get(s.idx)}
                onFocus={(idx) => idx !== focused && focus(idx, false)}
              />
            ))}
          </section>
          <aside className="focus-pane" aria-label="Focused step">
            <div className="part-label">
              {content.kind === "diff" ? content.label : `Step ${focused + 1} · code`}
              {selected !== null && (
                <button type="button" className="link-button" onClick={() => setSelected(null)}>
                  back to the step&apos;s code
                </button>
              )}
            </div>
            {scores.data && (
              <p className="muted kl-legend">
                Shaded where the teacher ({scores.data.teacher}) found the student&apos;s token less likely:{" "}
                <span className="kl-1">Δ ≥ {SHADES[0]}</span> <span className="kl-2">≥ {SHADES[1]}</span>{" "}
                <span className="kl-3">≥ {SHADES[2]}</span> nats; hover a token for both logprobs and the teacher&apos;s first choice.
              </p>
            )}
            <MonacoPane content={content} />
            {step && step.candidates.length > 0 && <CandidateVotes step={step} selectedId={selected} onSelect={setSelected} />}
          </aside>
        </div>
      )}
    </div>
  );
}

/** Previous / next trajectory under the filter the user came from (the run list's). */
function TraceNav({ id, filter }: { id: number; filter: TrajectoryFilter }) {
  const trpc = useTRPC();
  const around = useQuery(trpc.trajectories.neighbours.queryOptions({ id, filter }));
  const query = filterToParams(filter).toString();
  const href = (to: number) => `/trajectories/${to}${query ? `?${query}` : ""}`;
  return (
    <nav className="trace-nav pager" aria-label="Trajectories">
      {filter.run && <Link href={`/runs/${encodeURIComponent(filter.run)}${query ? `?${query}` : ""}`}>↑ back to the list</Link>}
      {around.data?.prev ? <Link href={href(around.data.prev)}>← Previous trajectory</Link> : <span>← Previous trajectory</span>}
      {around.data?.next ? <Link href={href(around.data.next)}>Next trajectory →</Link> : <span>Next trajectory →</span>}
    </nav>
  );
}
