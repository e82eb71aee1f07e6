import { notFound } from "next/navigation";
import { JobDetail } from "@/components/jobs/JobDetail";

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const jobId = Number(id);
  if (!Number.isInteger(jobId) || jobId <= 0) notFound();
  return <JobDetail key={jobId} id={jobId} />;
}
