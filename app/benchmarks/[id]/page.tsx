import { notFound } from "next/navigation";
import { QuestionBrowser } from "@/components/QuestionBrowser";

export default async function BenchmarkPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ q?: string; page?: string }>;
}) {
  const { id } = await params;
  const { q = "", page = "1" } = await searchParams;
  const benchmarkId = Number(id);
  if (!Number.isInteger(benchmarkId) || benchmarkId <= 0) notFound();
  const pageNumber = Math.max(1, Number.parseInt(page, 10) || 1);
  return <QuestionBrowser key={benchmarkId} benchmarkId={benchmarkId} page={pageNumber} search={q} />;
}
