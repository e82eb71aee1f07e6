// Small facts about jobs shared by the Jobs list and the job page.
import { resolveTrainConfig, type TrainConfigInput } from "@/server/training/config";

export type JobStatus = "queued" | "running" | "succeeded" | "failed" | "cancelled";

export const isActive = (status: string) => status === "queued" || status === "running";
export const canCancel = isActive;
export const canRetry = (status: string) => status === "failed" || status === "cancelled";

export type MetricRow = { step: number; name: string; value: number };
export type MetricPoint = { step: number } & Partial<Record<string, number>>;

/** Rows of (step, name, value) → one point per step with a key per metric, in step order. */
export function metricSeries(rows: MetricRow[]): MetricPoint[] {
  const byStep = new Map<number, MetricPoint>();
  for (const row of rows) {
    const point = byStep.get(row.step) ?? { step: row.step };
    point[row.name] = row.value;
    byStep.set(row.step, point);
  }
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/** What a job works on, from its stored config: the dataset → student of a train job, the student,
 *  teacher and benchmark of a distillation, the run of a generate or eval job. */
export function jobSubject(kind: string, config: Record<string, unknown>): string {
  const str = (key: string) => (typeof config[key] === "string" ? (config[key] as string) : undefined);
  if (kind === "train") return `${str("dataset") ?? "?"} → ${studentName(config) ?? "?"}`;
  if (kind === "distill")
    return `${str("student") ?? "?"} ⇐ ${str("teacher") ?? "teacher"} on ${str("benchmark") ?? "?"} (${str("name") ?? "?"})`;
  return str("run") ?? str("model") ?? "";
}

/** The run an eval or generate job writes (its page is /runs/<name>). */
export function jobRun(kind: string, config: Record<string, unknown>): string | null {
  return (kind === "generate" || kind === "eval") && typeof config.run === "string" ? config.run : null;
}

export function percent(done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.max(0, (done / total) * 100)) : 0;
}

/** The student a train job registers: its name, or the name derived from dataset and base. */
export function studentName(config: Record<string, unknown>): string | null {
  try {
    return resolveTrainConfig(config as TrainConfigInput).name;
  } catch {
    return null;
  }
}
