// The data an episode produces, and the seams it depends on (model, code session, tools).
import type { ChatMessage } from "@/server/llm/types";
import type { ActionResult, ToolHandler } from "@/server/tools/sandbox/session";

export type { ChatChoice, ChatMessage, ChatModel, ChatRequest, ChatResponse } from "@/server/llm/types";

/** The persistent Python session of one episode (the sandbox). */
export interface CodeSession {
  exec(code: string, opts?: { onToolCall?: ToolHandler }): Promise<ActionResult>;
  forkCandidates(codes: string[], opts?: { onToolCall?: ToolHandler }): Promise<ActionResult[]>;
  keepCandidate(index: number | null): Promise<void>;
}

export type ErrorKind = "parse" | "exec" | "timeout" | "max_steps";

export type ToolCallRecord = { name: string; args: unknown[]; candidate: number | null };

export type CandidateRecord = {
  idx: number;
  rawText: string;
  parseOk: boolean;
  execOk: boolean;
  code: string | null;
  output: string | null;
  finalAnswer: string | null;
  error: string | null;
  voteKey: string | null;
  votes: number;
  chosen: boolean;
  meanLogprob: number | null;
};

export type StepRecord = {
  idx: number;
  thought: string;
  code: string | null;
  observation: string;
  errorKind: ErrorKind | null;
  errorText: string | null;
  toolCalls: ToolCallRecord[];
  forcedFinal: boolean;
  /** A teacher's step replayed before the model acted (EpisodeInput.replay). */
  replayed?: boolean;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  chosenCandidate: number | null;
  /** Only for SAG steps (n > 1). */
  candidates: CandidateRecord[];
  finalAnswer: string | null;
};

export type EpisodeStatus = "finished" | "max_steps" | "error";

export type EpisodeResult = {
  status: EpisodeStatus;
  finalAnswer: string | null;
  ftpPrefix: string | null;
  steps: StepRecord[];
  messages: ChatMessage[];
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  retrievalCalls: number;
  error: string | null;
};
