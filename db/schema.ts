// The data model of docs/ARCHITECTURE.md §5, one schema for PGlite (embedded) and Postgres (team mode).
// Every list filter of the workbench has an index; (run, question, sample_idx) is unique so a
// resumed run can never store a trajectory twice.
import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { users } from "./auth-schema";

// The values of verdict and reject-reason columns (server/annotations/reasons.ts holds the same lists
// for the browser, which must not import the schema).
const VERDICT_VALUES = ["accept", "reject"] as const;
const REASON_VALUES = ["wrong_answer", "hallucinated_retrieval", "lucky_guess", "bad_code", "other"] as const;

const createdAt = () => timestamp("created_at", { withTimezone: true }).notNull().defaultNow();

export * from "./auth-schema";

export const benchmarks = pgTable(
  "benchmarks",
  {
    id: serial("id").primaryKey(),
    /** Short name used everywhere (CLI flags, URLs): e.g. `gsm_hard`, `hotpotqa`. */
    name: text("name").notNull(),
    kind: text("kind", { enum: ["qa", "math"] }).notNull(),
    split: text("split", { enum: ["train", "test"] }).notNull(),
    title: text("title").notNull(),
    sourceFile: text("source_file").notNull(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("benchmarks_name_split_key").on(t.name, t.split)],
);

export const questions = pgTable(
  "questions",
  {
    id: serial("id").primaryKey(),
    benchmarkId: integer("benchmark_id")
      .notNull()
      .references(() => benchmarks.id, { onDelete: "cascade" }),
    externalId: text("external_id").notNull(),
    /** Position in the source file, so listings keep the file's order. */
    position: integer("position").notNull(),
    question: text("question").notNull(),
    answer: text("answer").notNull(),
    meta: jsonb("meta").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    uniqueIndex("questions_benchmark_external_key").on(t.benchmarkId, t.externalId),
    index("questions_benchmark_position_idx").on(t.benchmarkId, t.position),
  ],
);

export const experiments = pgTable("experiments", {
  id: serial("id").primaryKey(),
  name: text("name").notNull().unique(),
  recipe: jsonb("recipe").$type<Record<string, unknown>>().notNull().default({}),
  status: text("status", { enum: ["pending", "running", "succeeded", "failed", "cancelled"] })
    .notNull()
    .default("pending"),
  /** One entry per recipe step: its status, the job that ran it, what it made and what it did, its wall time over every invocation. */
  steps: jsonb("steps")
    .$type<
      { id: string; kind: string; status: string; jobId?: number; product?: string; summary?: string; error?: string; wallS?: number }[]
    >()
    .notNull()
    .default([]),
  createdAt: createdAt(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Trained students: a base model plus what a train job made (a LoRA adapter, or every weight), served under the student's name. */
export const students = pgTable("students", {
  id: serial("id").primaryKey(),
  name: text("name").notNull().unique(),
  baseModel: text("base_model").notNull(),
  adapterPath: text("adapter_path"),
  /** The student's own weights (the adapter folded into its base, or a full fine-tune): what is served. */
  modelPath: text("model_path"),
  endpoint: text("endpoint"),
  trainJobId: integer("train_job_id"),
  createdAt: createdAt(),
});

export const runs = pgTable(
  "runs",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull().unique(),
    experimentId: integer("experiment_id").references(() => experiments.id, { onDelete: "set null" }),
    role: text("role", { enum: ["teacher", "student"] }).notNull(),
    mode: text("mode", { enum: ["agent", "cot", "cot-rag"] }).notNull(),
    modelEndpoint: text("model_endpoint").notNull(),
    modelName: text("model_name").notNull(),
    /** The trained student the run evaluates, when its model is one. */
    studentId: integer("student_id").references(() => students.id, { onDelete: "set null" }),
    /** Resolved run config (ftp, sag_n, temperature, top_p, max_steps, tools, seed, …). */
    config: jsonb("config").$type<Record<string, unknown>>().notNull(),
    tags: jsonb("tags").$type<string[]>().notNull().default([]),
    status: text("status", { enum: ["pending", "running", "succeeded", "failed", "cancelled"] })
      .notNull()
      .default("pending"),
    jobId: integer("job_id"),
    /** Denormalised counters, updated as trajectories land (lists stay fast). */
    counters: jsonb("counters").$type<Record<string, number>>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("runs_experiment_idx").on(t.experimentId), index("runs_status_idx").on(t.status)],
);

export const trajectories = pgTable(
  "trajectories",
  {
    id: serial("id").primaryKey(),
    runId: integer("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    questionId: integer("question_id")
      .notNull()
      .references(() => questions.id, { onDelete: "cascade" }),
    sampleIdx: integer("sample_idx").notNull().default(0),
    ftpPrefix: text("ftp_prefix"),
    finalAnswer: text("final_answer"),
    status: text("status", { enum: ["finished", "max_steps", "error"] }).notNull(),
    correct: boolean("correct"),
    score: jsonb("score").$type<Record<string, unknown>>(),
    numSteps: integer("num_steps").notNull().default(0),
    hasParseError: boolean("has_parse_error").notNull().default(false),
    hasExecError: boolean("has_exec_error").notNull().default(false),
    retrievalCalls: integer("retrieval_calls").notNull().default(0),
    tokensIn: integer("tokens_in").notNull().default(0),
    tokensOut: integer("tokens_out").notNull().default(0),
    latencyMs: integer("latency_ms").notNull().default(0),
    /**
     * What the embedded model server said it ran on (engine, device, weight dtype) when this
     * trajectory was made; null for an endpoint of one's own, which does not say. A run resumed on
     * another machine can mix them, so it is kept per trajectory.
     */
    served: jsonb("served").$type<{ engine: string; device: string; dtype: string }>(),
    /** The whole conversation as sent to the model, for export and debugging. */
    messages: jsonb("messages").$type<unknown[]>(),
    error: text("error"),
    /**
     * The newest annotation's verdict, kept in step by server/annotations in the same
     * transaction as the annotation, so verdict filters and queue counters are index scans.
     */
    latestVerdict: text("latest_verdict", { enum: VERDICT_VALUES }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex("trajectories_run_question_sample_key").on(t.runId, t.questionId, t.sampleIdx),
    index("trajectories_run_id_idx").on(t.runId, t.id),
    index("trajectories_run_correct_idx").on(t.runId, t.correct),
    index("trajectories_run_status_idx").on(t.runId, t.status),
    index("trajectories_question_idx").on(t.questionId),
    index("trajectories_run_verdict_idx").on(t.runId, t.latestVerdict),
  ],
);

export const steps = pgTable(
  "steps",
  {
    id: serial("id").primaryKey(),
    trajectoryId: integer("trajectory_id")
      .notNull()
      .references(() => trajectories.id, { onDelete: "cascade" }),
    idx: integer("idx").notNull(),
    thought: text("thought"),
    code: text("code"),
    observation: text("observation"),
    errorKind: text("error_kind", { enum: ["parse", "exec", "timeout", "max_steps"] }),
    errorText: text("error_text"),
    toolCalls: jsonb("tool_calls").$type<unknown[]>().notNull().default([]),
    /** True when this step is the forced final-answer call after max steps. */
    forcedFinal: boolean("forced_final").notNull().default(false),
    /** True when the step is a teacher's, replayed before the model acted (on-policy distillation's
     *  teacher-prefix replay): its code ran in the sandbox, but the model did not write it. */
    replayed: boolean("replayed").notNull().default(false),
    tokensIn: integer("tokens_in").notNull().default(0),
    tokensOut: integer("tokens_out").notNull().default(0),
    latencyMs: integer("latency_ms").notNull().default(0),
    chosenCandidate: integer("chosen_candidate"),
  },
  (t) => [uniqueIndex("steps_trajectory_idx_key").on(t.trajectoryId, t.idx)],
);

export const candidates = pgTable(
  "candidates",
  {
    id: serial("id").primaryKey(),
    stepId: integer("step_id")
      .notNull()
      .references(() => steps.id, { onDelete: "cascade" }),
    idx: integer("idx").notNull(),
    rawText: text("raw_text").notNull(),
    parseOk: boolean("parse_ok").notNull(),
    execOk: boolean("exec_ok").notNull(),
    code: text("code"),
    output: text("output"),
    finalAnswer: text("final_answer"),
    error: text("error"),
    voteKey: text("vote_key"),
    votes: integer("votes").notNull().default(0),
    chosen: boolean("chosen").notNull().default(false),
    meanLogprob: doublePrecision("mean_logprob"),
  },
  (t) => [uniqueIndex("candidates_step_idx_key").on(t.stepId, t.idx)],
);

export const annotations = pgTable(
  "annotations",
  {
    id: serial("id").primaryKey(),
    trajectoryId: integer("trajectory_id")
      .notNull()
      .references(() => trajectories.id, { onDelete: "cascade" }),
    userName: text("user_name").notNull(),
    /** The account that gave the verdict in team mode; null in single-user mode and for rules. */
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    verdict: text("verdict", { enum: VERDICT_VALUES }).notNull(),
    reason: text("reason", {
      enum: REASON_VALUES,
    }),
    note: text("note"),
    /** "final": an adjudicator's ruling, which wins over every ordinary verdict on the trajectory. */
    kind: text("kind", { enum: ["verdict", "final"] })
      .notNull()
      .default("verdict"),
    /** The bulk action this verdict was given by (undone as a whole); null for a single verdict. */
    batchId: integer("batch_id").references(() => verdictBatches.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("annotations_trajectory_idx").on(t.trajectoryId, t.createdAt), index("annotations_batch_idx").on(t.batchId)],
);

/** One bulk verdict: every trajectory of a filtered set accepted or rejected by one action. */
export const verdictBatches = pgTable("verdict_batches", {
  id: serial("id").primaryKey(),
  userName: text("user_name").notNull(),
  userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
  verdict: text("verdict", { enum: VERDICT_VALUES }).notNull(),
  reason: text("reason", {
    enum: REASON_VALUES,
  }),
  note: text("note"),
  filter: jsonb("filter").$type<Record<string, unknown>>().notNull(),
  count: integer("count").notNull(),
  undoneAt: timestamp("undone_at", { withTimezone: true }),
  undoneBy: text("undone_by"),
  createdAt: createdAt(),
});

/**
 * The audit log of verdicts: one row per change of a trajectory's verdicts (a verdict given, undone,
 * ruled final, given or undone in bulk), with who, when, and the trajectory's effective verdict
 * before and after. Append-only; nothing deletes from it but the trajectory's own deletion.
 */
export const verdictEvents = pgTable(
  "verdict_events",
  {
    id: serial("id").primaryKey(),
    trajectoryId: integer("trajectory_id")
      .notNull()
      .references(() => trajectories.id, { onDelete: "cascade" }),
    userName: text("user_name").notNull(),
    userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action", { enum: ["add", "undo", "final", "bulk", "bulk_undo"] }).notNull(),
    /** The verdict the action gave or took away, with its reason. */
    verdict: text("verdict", { enum: VERDICT_VALUES }).notNull(),
    reason: text("reason"),
    before: text("before", { enum: VERDICT_VALUES }),
    after: text("after", { enum: VERDICT_VALUES }),
    batchId: integer("batch_id").references(() => verdictBatches.id, { onDelete: "set null" }),
    createdAt: createdAt(),
  },
  (t) => [index("verdict_events_trajectory_idx").on(t.trajectoryId, t.createdAt), index("verdict_events_time_idx").on(t.createdAt)],
);

/** A review queue: a frozen list of trajectories (from a filter) that each need N annotators. */
export const reviewQueues = pgTable(
  "review_queues",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull(),
    filter: jsonb("filter").$type<Record<string, unknown>>().notNull(),
    trajectoryIds: jsonb("trajectory_ids").$type<number[]>().notNull(),
    annotatorsPerItem: integer("annotators_per_item").notNull().default(1),
    /** Earlier verdicts stay hidden from an annotator until they have given their own. */
    blind: boolean("blind").notNull(),
    /** Who may take items (user names); null: any annotator. */
    allowed: jsonb("allowed").$type<string[]>(),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("review_queues_name_key").on(t.name)],
);

export const datasets = pgTable(
  "datasets",
  {
    id: serial("id").primaryKey(),
    name: text("name").notNull(),
    version: integer("version").notNull(),
    kind: text("kind", { enum: ["agent", "cot"] })
      .notNull()
      .default("agent"),
    filter: jsonb("filter").$type<Record<string, unknown>>().notNull(),
    trajectoryIds: jsonb("trajectory_ids").$type<number[]>().notNull(),
    contentHash: text("content_hash").notNull(),
    /**
     * The largest run, trajectory and verdict-event ids when this version was made: a row with a larger
     * id came after it. A diff orders by these, not by created_at, whose clock may tick in whole
     * milliseconds (PGlite's does) and so cannot order a verdict given in the same millisecond.
     */
    maxRunId: integer("max_run_id").notNull(),
    maxTrajectoryId: integer("max_trajectory_id").notNull(),
    maxVerdictEventId: integer("max_verdict_event_id").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("datasets_name_version_key").on(t.name, t.version)],
);

export const jobs = pgTable(
  "jobs",
  {
    id: serial("id").primaryKey(),
    kind: text("kind", { enum: ["generate", "train", "eval", "serve", "distill"] }).notNull(),
    backend: text("backend", { enum: ["local", "ray"] })
      .notNull()
      .default("local"),
    config: jsonb("config").$type<Record<string, unknown>>().notNull(),
    status: text("status", { enum: ["queued", "running", "succeeded", "failed", "cancelled"] })
      .notNull()
      .default("queued"),
    experimentId: integer("experiment_id").references(() => experiments.id, { onDelete: "set null" }),
    progress: jsonb("progress").$type<{ done: number; total: number; label?: string }>(),
    logTail: text("log_tail").notNull().default(""),
    result: jsonb("result").$type<Record<string, unknown>>(),
    error: text("error"),
    externalId: text("external_id"),
    claimedBy: text("claimed_by"),
    heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }),
    createdAt: createdAt(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    finishedAt: timestamp("finished_at", { withTimezone: true }),
  },
  (t) => [index("jobs_status_idx").on(t.status, t.id), index("jobs_kind_idx").on(t.kind, t.id)],
);

export const jobMetrics = pgTable(
  "job_metrics",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    jobId: integer("job_id")
      .notNull()
      .references(() => jobs.id, { onDelete: "cascade" }),
    step: integer("step").notNull(),
    name: text("name").notNull(),
    value: doublePrecision("value").notNull(),
    recordedAt: timestamp("recorded_at", { withTimezone: true })
      .notNull()
      .default(sql`now()`),
  },
  (t) => [uniqueIndex("job_metrics_job_name_step_key").on(t.jobId, t.name, t.step)],
);

/**
 * Per-token scores of an on-policy distillation round's student episode (server/distill/scores.ts):
 * for every token the student wrote, its assistant turn (the step), its character span within that
 * turn's text, both models' logprobs and the teacher's own first choice — as parallel arrays, one
 * row per trajectory, so a 500-token episode is one small row.
 */
export const tokenScores = pgTable("token_scores", {
  trajectoryId: integer("trajectory_id")
    .primaryKey()
    .references(() => trajectories.id, { onDelete: "cascade" }),
  /** The student that wrote the episode and the teacher that scored it. */
  student: text("student").notNull(),
  teacher: text("teacher").notNull(),
  scores: jsonb("scores")
    .$type<{
      turn: number[];
      start: number[];
      end: number[];
      student: number[];
      teacher: number[];
      teacherTop: string[];
      teacherTopLogprob: number[];
    }>()
    .notNull(),
  createdAt: timestamp("created_at", { withTimezone: true })
    .notNull()
    .default(sql`now()`),
});
