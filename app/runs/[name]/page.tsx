import { RunTrajectories } from "@/components/RunTrajectories";
import { filterFromParams } from "@/server/trajectories/filter-schema";

const positive = (v: string | string[] | undefined) => {
  const n = Number(Array.isArray(v) ? v[0] : v);
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

export default async function RunPage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { name } = await params;
  const query = await searchParams;
  const run = decodeURIComponent(name);
  const filter = { ...filterFromParams(query), run };
  return <RunTrajectories key={run} filter={filter} cursor={{ after: positive(query.after), before: positive(query.before) }} />;
}
