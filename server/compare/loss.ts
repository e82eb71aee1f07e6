// Chart 6: training loss curves of the students behind the selected runs. A run reaches its
// train job through its model: runs.student_id → students (or, for eval runs that only name their
// student, runs.model_name = students.name) → students.train_job_id → job_metrics (name = 'loss').
import { and, asc, desc, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import type { Db } from "@/db/client";
import { jobMetrics, jobs, runs, students } from "@/db/schema";
import type { LossSeries } from "./charts";

/** Train job ids behind the named runs, with the runs that led to each. */
export async function trainJobsOfRuns(db: Db, runNames: string[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  if (runNames.length === 0) return out;
  const rows = await db
    .select({ run: runs.name, jobId: students.trainJobId })
    .from(runs)
    .innerJoin(students, or(eq(students.id, runs.studentId), eq(students.name, runs.modelName)))
    .where(and(inArray(runs.name, runNames), isNotNull(students.trainJobId)));
  for (const r of rows) {
    const list = out.get(r.jobId!) ?? [];
    if (!list.includes(r.run)) list.push(r.run);
    out.set(r.jobId!, list);
  }
  return out;
}

export async function lossCurves(db: Db, input: { runs: string[]; trainJobs: number[] }): Promise<LossSeries[]> {
  const viaRuns = await trainJobsOfRuns(db, input.runs);
  const jobIds = [...new Set([...viaRuns.keys(), ...input.trainJobs])].sort((a, b) => a - b);
  if (jobIds.length === 0) return [];
  const labels = await trainJobLabels(db, jobIds);
  const points = await db
    .select({ jobId: jobMetrics.jobId, step: jobMetrics.step, value: jobMetrics.value })
    .from(jobMetrics)
    .where(and(inArray(jobMetrics.jobId, jobIds), eq(jobMetrics.name, "loss")))
    .orderBy(asc(jobMetrics.jobId), asc(jobMetrics.step));
  return jobIds
    .filter((id) => labels.has(id))
    .map((id) => ({
      jobId: id,
      label: labels.get(id)!,
      runs: viaRuns.get(id) ?? [],
      points: points.filter((p) => p.jobId === id).map((p) => ({ step: p.step, loss: p.value })),
    }));
}

/** "job 7 · student-name": the registered model's name, else the name the job was asked to train. */
async function trainJobLabels(db: Db, jobIds: number[]): Promise<Map<number, string>> {
  const rows = await db
    .select({ id: jobs.id, model: students.name, configName: sql<string | null>`${jobs.config}->>'name'` })
    .from(jobs)
    .leftJoin(students, eq(students.trainJobId, jobs.id))
    .where(and(inArray(jobs.id, jobIds), eq(jobs.kind, "train")));
  return new Map(rows.map((r) => [r.id, `job ${r.id} · ${r.model ?? r.configName ?? "unnamed"}`]));
}

/** Train jobs to pick from directly, newest first, with how many loss points each logged. */
export async function listTrainJobs(db: Db) {
  return db
    .select({
      id: jobs.id,
      status: jobs.status,
      model: students.name,
      configName: sql<string | null>`${jobs.config}->>'name'`,
      dataset: sql<string | null>`${jobs.config}->>'dataset'`,
      lossPoints: sql<number>`(select count(*)::int from ${jobMetrics} where ${jobMetrics.jobId} = ${jobs.id} and ${jobMetrics.name} = 'loss')`,
      createdAt: jobs.createdAt,
    })
    .from(jobs)
    .leftJoin(students, eq(students.trainJobId, jobs.id))
    .where(eq(jobs.kind, "train"))
    .orderBy(desc(jobs.id))
    .limit(200);
}
