import { DatasetDetail } from "@/components/datasets/DatasetDetail";

export default async function DatasetPage({
  params,
  searchParams,
}: {
  params: Promise<{ ref: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { ref } = await params;
  // ?diff=NAME@V: the version the page compares this one with.
  const { diff } = await searchParams;
  return <DatasetDetail datasetRef={decodeURIComponent(ref)} compareWith={typeof diff === "string" && diff ? diff : null} />;
}
