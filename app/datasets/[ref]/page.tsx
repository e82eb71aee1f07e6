import { DatasetDetail } from "@/components/datasets/DatasetDetail";

export default async function DatasetPage({ params }: { params: Promise<{ ref: string }> }) {
  const { ref } = await params;
  return <DatasetDetail datasetRef={decodeURIComponent(ref)} />;
}
