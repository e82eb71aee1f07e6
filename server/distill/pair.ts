// Teacher and student must share a tokenizer: on-policy distillation scores the student's token ids
// with the teacher. Asked of the worker (distillery_worker.distill.pair) when a distillation is
// queued, so a mismatched pair is refused at once — the CLI exits 2 with the worker's one line naming
// both — rather than after the first round's episodes. Every round checks again.
import type { Db } from "@/db/client";
import { modelRootsEnv } from "@/server/models/model-ref";
import { runWorkerJson } from "@/server/worker/run-json";
import type { DistillConfig } from "./config";
import { studentStart } from "./job";

const PAIR_TIMEOUT_MS = 120_000; // two tokenizers' load on a busy 2-core machine

export async function checkTokenizerPair(db: Db, config: Pick<DistillConfig, "student" | "teacher">): Promise<void> {
  const { base } = await studentStart(db, config.student);
  await runWorkerJson<{ vocabulary: number }>({
    module: "distillery_worker.distill.pair",
    args: ["--student", base, "--teacher", config.teacher],
    env: modelRootsEnv(),
    timeoutMs: PAIR_TIMEOUT_MS,
    what: "the tokenizer check",
  });
}
