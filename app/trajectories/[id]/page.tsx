import { notFound } from "next/navigation";
import { TrajectoryScreen } from "@/components/trace/TrajectoryScreen";
import { filterFromParams } from "@/server/trajectories/filters";

export default async function TrajectoryPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { id } = await params;
  const query = await searchParams;
  const trajectoryId = Number(id);
  if (!Number.isInteger(trajectoryId) || trajectoryId <= 0) notFound();
  return (
    <TrajectoryScreen
      id={trajectoryId}
      // ?full=1 renders every step expanded with no lazy painting: the bench's baseline.
      full={query.full === "1"}
      compare={query.compare === "ftp"}
      filter={filterFromParams(query)}
    />
  );
}
