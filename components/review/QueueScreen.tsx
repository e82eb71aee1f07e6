"use client";
// One review queue. Review: the next item that still needs the caller (s skips it), with the
// verdict keys of the trajectory page and the others' verdicts — withheld in a blind queue until
// one's own is in. Agreement: the queue's coefficients, per pair, and the disagreements, which a
// researcher settles with a final verdict (adjudication).
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { TraceViewer } from "@/components/trace/TraceViewer";
import { useShortcuts } from "@/components/trace/useShortcuts";
import { VerdictPanel } from "@/components/trace/VerdictPanel";
import { useTRPC } from "@/components/trpc";
import { AgreementPanel } from "./AgreementPanel";
import { VerdictList } from "./VerdictList";

function OthersVerdicts({ queueId, trajectoryId }: { queueId: number; trajectoryId: number }) {
  const trpc = useTRPC();
  const item = useQuery(trpc.review.item.queryOptions({ id: queueId, trajectoryId }));
  if (!item.data) return item.error ? <p className="error">{item.error.message}</p> : null;
  const { others, hiddenCount, final } = item.data;
  return (
    <section className="others-verdicts" aria-label="Other verdicts">
      {others === null ? (
        <p className="muted">
          Blind: {hiddenCount} other verdict{hiddenCount === 1 ? "" : "s"} hidden until you give yours.
        </p>
      ) : others.length === 0 ? (
        <p className="muted">No one else has judged this item.</p>
      ) : (
        <VerdictList verdicts={others} />
      )}
      {final && (
        <p>
          Final: <span className={`badge ${final.verdict}`}>{final.verdict}</span> by {final.userName}
        </p>
      )}
    </section>
  );
}

export function QueueScreen({ id }: { id: number }) {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState(false);
  const pinned = Number(params.get("item")) || undefined;
  const queue = useQuery(trpc.review.get.queryOptions({ id }));
  const next = useQuery(trpc.review.next.queryOptions({ id }));
  const current = pinned ?? next.data?.trajectoryId ?? undefined;
  const mine = useQuery({ ...trpc.review.item.queryOptions({ id, trajectoryId: current ?? 0 }), enabled: current !== undefined });
  const show = (item?: number) => {
    setRejecting(false);
    router.replace(item ? `${pathname}?item=${item}` : pathname, { scroll: false });
  };
  const skip = async () => {
    if (current === undefined) return;
    const after = await queryClient.fetchQuery(trpc.review.next.queryOptions({ id, after: current }));
    show(after.trajectoryId ?? undefined);
  };
  useShortcuts({ s: () => void skip() }, current !== undefined);

  const q = queue.data;
  const blindAndOpen = q?.blind && mine.data?.own === null;
  return (
    <>
      <h1>Review queue: {q?.name ?? "…"}</h1>
      {queue.error && <p className="error">{queue.error.message}</p>}
      {q && (
        <p className="muted" aria-label="Queue progress">
          {q.progress.complete} of {q.progress.items} items complete · {q.annotatorsPerItem} annotator
          {q.annotatorsPerItem === 1 ? "" : "s"} per item{q.blind ? " · blind" : ""} ·{" "}
          {q.progress.byAnnotator.map((a) => `${a.userName}: ${a.done}`).join(", ") || "no verdicts yet"}
        </p>
      )}
      <section aria-label="Review">
        <div className="toolbar queue-bar">
          <span className="progress-counter" aria-label="Left for you">
            {next.data ? `${next.data.left} left for you` : "…"}
          </span>
          <button type="button" disabled={current === undefined} onClick={() => void skip()} aria-keyshortcuts="s">
            Skip <kbd>s</kbd>
          </button>
          {pinned !== undefined && (
            <button type="button" onClick={() => show()}>
              Next that needs me
            </button>
          )}
        </div>
        {next.error && <p className="error">{next.error.message}</p>}
        {current === undefined ? (
          next.data && <p className="muted">Nothing left for you in this queue.</p>
        ) : (
          <TraceViewer key={current} id={current} showNav={false}>
            <OthersVerdicts queueId={id} trajectoryId={current} />
            <VerdictPanel trajectoryId={current} rejecting={rejecting} setRejecting={setRejecting} history={!blindAndOpen} />
          </TraceViewer>
        )}
      </section>
      <AgreementPanel queueId={id} />
    </>
  );
}
