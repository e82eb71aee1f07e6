import { describe, expect, it } from "vitest";
import { runStep } from "./step";
import type { ChatChoice, CodeSession } from "./types";

// A session that must not be reached: a reply without code never runs anything.
const noSession: CodeSession = {
  exec: () => Promise.reject(new Error("exec must not be called")),
  forkCandidates: () => Promise.reject(new Error("fork must not be called")),
  keepCandidate: () => Promise.reject(new Error("keep must not be called")),
};

const choice = (text: string, finishReason: string): ChatChoice => ({
  index: 0,
  text,
  finishReason,
  stopReason: null,
  meanLogprob: null,
  tokenLogprobs: null,
});

const step = (c: ChatChoice) =>
  runStep({
    idx: 0,
    choices: [c],
    prefix: "",
    session: noSession,
    tools: async () => null,
    forcedFinal: false,
    usage: { promptTokens: 1, completionTokens: 1 },
    latencyMs: 0,
  });

describe("runStep", () => {
  it("tells the model its reply was cut off when max_tokens ended it before any code", async () => {
    const { step: cut } = await step(choice("Thought: a very long derivation that never ends", "length"));
    expect(cut.errorKind).toBe("parse");
    expect(cut.observation).toMatch(/cut off at the token limit/);
    const { step: plain } = await step(choice("Thought: no code at all", "stop"));
    expect(plain.observation).not.toMatch(/cut off/);
    expect(plain.observation).toMatch(/No Python code/);
  });
});
