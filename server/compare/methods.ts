// The rows of the paper's results matrix (Kang et al., NeurIPS 2025, Table 1; docs/ARCHITECTURE.md §2) and
// how a run is placed in one. The tag vocabulary: a run tagged `method:<id>` (ids below:
// method:cot, method:cot-rag, method:agent, method:agent-ftp, method:agent-ftp-sag, and the
// non-paper method:agent-sag, method:agent-opd and method:base-opd (on-policy distillation), and the untrained baselines method:base-cot, method:base-agent,
// method:base-agent-sag) joins that row, whatever its role.
//
// Tags win; a run tagged `validation` (it chooses a setting) is in no row. A *student* run
// without a method tag is placed from its config: an untrained student
// (a base model, not a trained student: no studentId) in a baseline row of its own, never pooled
// with distilled ones; a trained one by mode cot / cot-rag, or agent (+ FTP when config.ftp, + SAG
// when config.sag > 1). FTP is a property of the teacher data, which a student's own config does
// not record, so tag FTP students explicitly. Teacher runs without a tag are not distilled students
// and stay out of the matrix.

export const METHODS = [
  { id: "base-cot", label: "Untrained student, CoT prompt", paper: false, meaning: "the base model prompted for CoT, not fine-tuned" },
  {
    id: "base-agent",
    label: "Untrained student, agent prompt",
    paper: false,
    meaning: "the base model as a CodeAct agent, not fine-tuned",
  },
  { id: "base-agent-sag", label: "Untrained student + SAG", paper: false, meaning: "the base agent evaluated with SAG" },
  { id: "cot", label: "CoT distill", paper: true, meaning: "student fine-tuned on CoT traces, no tools" },
  { id: "cot-rag", label: "CoT distill + RAG", paper: true, meaning: "the CoT student with retrieved passages in its prompt" },
  { id: "agent", label: "Agent distill", paper: true, meaning: "student fine-tuned on teacher agent trajectories" },
  { id: "agent-ftp", label: "Agent distill + FTP", paper: true, meaning: "… on trajectories generated with the first-thought prefix" },
  {
    id: "agent-ftp-sag",
    label: "Agent distill + FTP + SAG",
    paper: true,
    meaning: "… and evaluated with self-consistent action generation",
  },
  {
    id: "agent-sag",
    label: "Agent distill + SAG",
    paper: false,
    meaning: "not a paper row: SAG without FTP data; shown only when present",
  },
  {
    id: "agent-opd",
    label: "Agent distill + on-policy",
    paper: false,
    meaning: "not a paper row: the agent-distilled student, then on-policy rounds (the teacher scores the student's own episodes)",
  },
  {
    id: "base-opd",
    label: "On-policy distill only",
    paper: false,
    meaning: "not a paper row: on-policy rounds from the untrained student, no SFT",
  },
] as const;

export type MethodId = (typeof METHODS)[number]["id"];
export const METHOD_TAG_PREFIX = "method:";

/** A run that chooses a setting on validation data: its accuracy is not a result, so no matrix row takes it. */
export const VALIDATION_TAG = "validation";

const METHOD_IDS = new Set<string>(METHODS.map((m) => m.id));

export type MethodSource = {
  role: string;
  mode: string;
  ftp: boolean;
  sag: number;
  tags: readonly string[];
  /** The run's model is a student trained here (the run has a studentId). */
  trained: boolean;
};

/** The method a run belongs to, and whether it came from a tag or was derived; null: not in the matrix. */
export function methodOfRun(run: MethodSource): { method: MethodId; from: "tag" | "config" } | null {
  if (run.tags.includes(VALIDATION_TAG)) return null;
  const tagged = run.tags.find((t) => t.startsWith(METHOD_TAG_PREFIX) && METHOD_IDS.has(t.slice(METHOD_TAG_PREFIX.length)));
  if (tagged) return { method: tagged.slice(METHOD_TAG_PREFIX.length) as MethodId, from: "tag" };
  if (run.role !== "student") return null;
  const sag = run.sag > 1;
  if (!run.trained) {
    if (run.mode === "agent") return { method: sag ? "base-agent-sag" : "base-agent", from: "config" };
    return { method: "base-cot", from: "config" };
  }
  if (run.mode === "cot" || run.mode === "cot-rag") return { method: run.mode, from: "config" };
  if (run.mode !== "agent") return null;
  const method: MethodId = run.ftp ? (sag ? "agent-ftp-sag" : "agent-ftp") : sag ? "agent-sag" : "agent";
  return { method, from: "config" };
}

export function methodLabel(id: MethodId): string {
  return METHODS.find((m) => m.id === id)!.label;
}
