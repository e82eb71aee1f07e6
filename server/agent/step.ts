// One step of an episode: sample N candidate actions in one request, parse each, run the ones
// that parse (one fork per candidate when N > 1), vote, and keep the winner's state.
import type { ActionResult, ToolHandler } from "@/server/tools/sandbox/session";
import { executionObservation, errorKindOf, errorTextOf, finalAnswerText, parseErrorObservation } from "./observation";
import { parseAction, type ParsedAction } from "./parse";
import { selectCandidate } from "./sag";
import type { CandidateRecord, ChatChoice, CodeSession, StepRecord, ToolCallRecord } from "./types";

export type StepInput = {
  idx: number;
  choices: ChatChoice[];
  /** Text the model was asked to continue (FTP); prepended to each choice. */
  prefix: string;
  session: CodeSession;
  tools: ToolHandler;
  forcedFinal: boolean;
  usage: { promptTokens: number; completionTokens: number };
  latencyMs: number;
};

export type StepOutcome = { step: StepRecord; assistantText: string };

export async function runStep(input: StepInput): Promise<StepOutcome> {
  const raws = input.choices.map((c) => input.prefix + c.text);
  const parsed = raws.map((raw, i) => explainTruncation(parseAction(raw), input.choices[i]!));
  const toolCalls: ToolCallRecord[] = [];
  const onToolCall: ToolHandler = (name, args, kwargs, candidate) => {
    toolCalls.push({ name, args, candidate });
    return input.tools(name, args, kwargs, candidate);
  };

  const { results, forkOf } = await execute(input, parsed, onToolCall);
  const sag = input.choices.length > 1;
  const selection = selectCandidate(
    parsed.map((p, i) => ({
      idx: i,
      succeeded: p.ok && results[i]!.ok,
      stdout: results[i]!.stdout,
      finalAnswer: finalAnswerText(results[i]!),
      meanLogprob: input.choices[i]!.meanLogprob,
    })),
  );
  const chosen = selection.chosen;
  // The winner's fork becomes the episode (never re-run); with no runnable candidate, keep the old state.
  if (sag) await input.session.keepCandidate(forkOf.get(chosen) ?? null);

  const p = parsed[chosen]!;
  const result = results[chosen]!;
  const step: StepRecord = {
    idx: input.idx,
    thought: p.thought,
    code: p.ok ? p.code : null,
    observation: p.ok ? executionObservation(result) : parseErrorObservation(p.error),
    errorKind: p.ok ? errorKindOf(result) : "parse",
    errorText: p.ok ? (result.ok ? null : errorTextOf(result)) : p.error,
    toolCalls: sag ? toolCalls : toolCalls.map((c) => ({ ...c, candidate: null })),
    forcedFinal: input.forcedFinal,
    tokensIn: input.usage.promptTokens,
    tokensOut: input.usage.completionTokens,
    latencyMs: input.latencyMs,
    chosenCandidate: sag ? chosen : null,
    candidates: sag ? parsed.map((q, i) => candidateRecord(i, raws[i]!, q, results[i]!, selection, input.choices[i]!)) : [],
    finalAnswer: p.ok ? finalAnswerText(result) : null,
  };
  return { step, assistantText: raws[chosen]!.trim() };
}

/** A reply cut off by max_tokens before its code is a different mistake from a reply without code. */
function explainTruncation(parsed: ParsedAction, choice: ChatChoice): ParsedAction {
  if (parsed.ok || choice.finishReason !== "length") return parsed;
  return {
    ...parsed,
    error:
      "Your reply was cut off at the token limit before its code was complete. " +
      "Keep the Thought to a few sentences and do the work in code. " +
      parsed.error,
  };
}

const NOT_RUN: ActionResult = { ok: false, stdout: "", value_repr: null };

/** Run the parsed candidates; `forkOf` maps a candidate index to its fork's index. */
async function execute(
  input: StepInput,
  parsed: ParsedAction[],
  onToolCall: ToolHandler,
): Promise<{ results: ActionResult[]; forkOf: Map<number, number> }> {
  const forkOf = new Map<number, number>();
  if (parsed.length === 1) {
    const only = parsed[0]!;
    return { results: [only.ok ? await input.session.exec(only.code, { onToolCall }) : NOT_RUN], forkOf };
  }
  const runnable = parsed.flatMap((p, i) => (p.ok ? [{ i, code: p.code }] : []));
  const results: ActionResult[] = parsed.map(() => NOT_RUN);
  if (runnable.length === 0) return { results, forkOf };
  // Fork indices follow the order of `codes`; map them back to candidate indices.
  const forked = await input.session.forkCandidates(
    runnable.map((r) => r.code),
    { onToolCall: (name, args, kwargs, fork) => onToolCall(name, args, kwargs, fork === null ? null : runnable[fork]!.i) },
  );
  runnable.forEach((r, k) => {
    results[r.i] = forked[k]!;
    forkOf.set(r.i, k);
  });
  return { results, forkOf };
}

function candidateRecord(
  idx: number,
  rawText: string,
  parsed: ParsedAction,
  result: ActionResult,
  selection: ReturnType<typeof selectCandidate>,
  choice: ChatChoice,
): CandidateRecord {
  return {
    idx,
    rawText,
    parseOk: parsed.ok,
    execOk: parsed.ok && result.ok,
    code: parsed.ok ? parsed.code : null,
    output: parsed.ok ? result.stdout : null,
    finalAnswer: finalAnswerText(result),
    error: parsed.ok ? (result.ok ? null : errorTextOf(result)) : parsed.error,
    voteKey: selection.keys[idx] ?? null,
    votes: selection.votes[idx] ?? 0,
    chosen: idx === selection.chosen,
    meanLogprob: choice.meanLogprob,
  };
}
