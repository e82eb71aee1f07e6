// Any two trajectories side by side: /trajectories/compare?a=ID&b=ID (the trajectory page's
// "Compare with…" leads here).
import Link from "next/link";
import { PairCompare } from "@/components/trace/PairCompare";

const positive = (v: string | string[] | undefined) => {
  const n = Number(Array.isArray(v) ? v[0] : v);
  return Number.isInteger(n) && n > 0 ? n : null;
};

export default async function ComparePairPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const a = positive(query.a);
  const b = positive(query.b);
  if (a === null || b === null) {
    return (
      <>
        <h1>Compare two trajectories</h1>
        <p className="error">
          Name both trajectories by id: <code>/trajectories/compare?a=ID&amp;b=ID</code>, or use &ldquo;Compare with…&rdquo; on a
          trajectory&apos;s page.
        </p>
      </>
    );
  }
  return (
    <>
      <h1>
        Trajectory {a} vs {b}
      </h1>
      <p className="subtitle">
        <Link href={`/trajectories/compare?a=${b}&b=${a}`}>⇄ Swap sides</Link> · <Link href={`/trajectories/${a}`}>open {a}</Link> ·{" "}
        <Link href={`/trajectories/${b}`}>open {b}</Link>
      </p>
      <PairCompare key={`${a}-${b}`} a={a} b={b} />
    </>
  );
}
