// The real dependencies of a run: the model endpoint, the retriever (with a per-run cache file),
// the scorer (EM/F1 for factual questions, the math grader for math) and the sandbox.
import path from "node:path";
import { eq } from "drizzle-orm";
import { dataDir, type Db } from "@/db/client";
import { students } from "@/db/schema";
import { resolveEndpoint, retrieverTarget, type ResolvedEndpoint } from "@/server/endpoints/registry";
import { createChatClient } from "@/server/llm";
import { acquireEmbeddedServer, EMBEDDED, studentSpec } from "@/server/models/embedded";
import type { Served } from "@/server/models/served";
import { gradeMath, scoreQa } from "@/server/scoring";
import { openRetriever } from "@/server/tools/retrieval";
import { SandboxSession } from "@/server/tools/sandbox/session";
import { probeSandbox } from "@/server/tools/sandbox/probe";
import type { RunConfig } from "./config";
import type { Question, RunDeps } from "./generate";
import type { Score } from "./store";

/** Factual answers count as correct on normalised exact match; F1 is kept beside it. */
export async function scoreAnswer(question: Question, predicted: string | null): Promise<Score> {
  if (question.kind === "math") {
    const grade = await gradeMath(predicted, question.answer);
    return { correct: grade.correct, detail: { ...grade, method: `math:${grade.method}` } };
  }
  const qa = scoreQa(predicted, question.answer);
  return { correct: qa.em === 1, detail: { method: "qa:em", em: qa.em, f1: qa.f1 } };
}

/**
 * Where the run's model answers. "embedded" starts the worker's model server for the model: a
 * role (student, teacher), an embedded model id, or a registered fine-tuned student (its merged
 * weights, served under the student's name: `studentSpec`). Its lease is released when the
 * run ends, so an idle server can be stopped.
 */
async function modelEndpoint(
  db: Db,
  config: RunConfig,
  log?: (line: string) => void,
): Promise<ResolvedEndpoint & { release?: () => void; served?: Served }> {
  // A configured endpoint's name or a URL; the key comes from the environment, never the config.
  if (config.modelUrl !== EMBEDDED) return resolveEndpoint(config.modelUrl, "model");
  const [student] = await db.select().from(students).where(eq(students.name, config.model));
  const spec = (student && studentSpec(student)) ?? { model: config.model };
  return acquireEmbeddedServer(spec, log);
}

export async function defaultRunDeps(config: RunConfig, db: Db, log?: (line: string) => void): Promise<RunDeps> {
  let retriever: ReturnType<typeof openRetriever> | null = null;
  const search = retrieverTarget(config.retriever);
  // Last: nothing after it may throw, or the lease would never be released.
  const endpoint = await modelEndpoint(db, config, log);
  return {
    model: createChatClient({ baseUrl: endpoint.url, apiKey: endpoint.apiKey, model: config.model }),
    // Opened on first use: CoT runs and math-only agents may never search.
    retriever: () =>
      (retriever ??= openRetriever(search.spec, {
        remote: { apiKey: search.apiKey },
        cacheFile: path.join(dataDir(), "retrieval-cache", `${config.run.replace(/[^\w.-]/g, "_")}.jsonl`),
      })),
    score: scoreAnswer,
    startSession: () => SandboxSession.start({ tools: ["web_search"], allowUnsafe: config.unsafeNoSandbox }),
    probeSandbox: () => probeSandbox(config),
    close: async () => endpoint.release?.(),
    served: endpoint.served,
  };
}
