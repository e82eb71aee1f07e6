import { JobTable } from "@/components/jobs/JobTable";
import { TrainForm } from "@/components/jobs/TrainForm";

export default async function JobsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { dataset } = await searchParams;
  return (
    <>
      <h1>Jobs</h1>
      <p className="subtitle">Generation runs, evaluations and training jobs, on this machine or a Ray cluster.</p>
      <JobTable />
      <h2 id="train" className="section-gap">
        Train a student
      </h2>
      <p className="subtitle">
        LoRA fine-tune on a dataset; loss on assistant turns only. Defaults are the paper&apos;s (r 64, alpha 128, dropout 0.05,
        lr 2e-4, 2 epochs, effective batch 8).
      </p>
      <TrainForm initialDataset={typeof dataset === "string" ? dataset : ""} />
    </>
  );
}
