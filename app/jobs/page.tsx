import { JobTable } from "@/components/jobs/JobTable";
import { DistillForm } from "@/components/jobs/DistillForm";
import { TrainForm } from "@/components/jobs/TrainForm";
import { initialTrainForm } from "@/components/jobs/train-form";
import { EFFECTIVE_BATCH } from "@/server/contracts/train-config";

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
        LoRA fine-tune on a dataset; loss on assistant turns only. Defaults are the paper&apos;s (r {initialTrainForm.loraR}, alpha{" "}
        {initialTrainForm.loraAlpha}, dropout {initialTrainForm.loraDropout}, lr {initialTrainForm.lr}, {initialTrainForm.epochs} epochs,
        effective batch {EFFECTIVE_BATCH}).
      </p>
      <TrainForm initialDataset={typeof dataset === "string" ? dataset : ""} />
      <h2 id="distill" className="section-gap">
        Distil a student on-policy
      </h2>
      <p className="subtitle">
        Each round the student answers training questions through the agent loop and sandbox, the teacher scores every token it wrote, and
        the student is updated on per-token reverse KL; each round&apos;s student is registered (NAME-r1, NAME-r2, …). Teacher and student
        must share a tokenizer.
      </p>
      <DistillForm />
    </>
  );
}
