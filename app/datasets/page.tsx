import { DatasetTable } from "@/components/datasets/DatasetTable";
import { ImportForm } from "@/components/datasets/ImportForm";
import { NewDatasetForm } from "@/components/datasets/NewDatasetForm";

export default function DatasetsPage() {
  return (
    <>
      <h1>Datasets</h1>
      <p className="subtitle">
        Frozen, versioned lists of trajectories picked from runs by filters and annotations; each version has a content hash. Open one to
        preview an example under the student&apos;s tokenizer.
      </p>
      <DatasetTable />
      <h2 className="section-gap">New dataset</h2>
      <NewDatasetForm />
      <h2 className="section-gap">Import trajectories</h2>
      <ImportForm />
    </>
  );
}
