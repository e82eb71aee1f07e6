import { AnnotationQueue } from "@/components/AnnotationQueue";
import { filterFromParams } from "@/server/trajectories/filter-schema";

export default async function AnnotatePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const query = await searchParams;
  const id = Number(Array.isArray(query.id) ? query.id[0] : query.id);
  return <AnnotationQueue filter={filterFromParams(query)} id={Number.isInteger(id) && id > 0 ? id : undefined} />;
}
