// The judge through the real HTTP client against a scripted OpenAI-compatible stub on loopback.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChatClient } from "@/server/llm/client";
import { judgeAnswer, parseVerdict, renderJudgePrompt } from "./judge";

let server: http.Server;
let url = "";
const seen: Record<string, unknown>[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c) => (raw += c));
    req.on("end", () => {
      const body = JSON.parse(raw) as { messages: { content: string }[] };
      seen.push(body);
      const prompt = body.messages[0]!.content;
      const verdict = prompt.includes("Predicted answer: Paris") ? "correct" : "incorrect";
      const content = `{"explanation": "compared with the gold", "verdict": "${verdict}"}`;
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ id: "1", model: "judge-m", choices: [{ index: 0, message: { content }, finish_reason: "stop" }] }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("judge", () => {
  it("renders the prompt file with the question, gold and prediction", () => {
    const prompt = renderJudgePrompt({ question: "Capital of France?", gold: ["Paris", "City of Paris"], prediction: " Paris " });
    expect(prompt).toContain("Question: Capital of France?");
    expect(prompt).toContain("Gold answer: Paris | City of Paris");
    expect(prompt).toContain("Predicted answer: Paris\n");
    expect(renderJudgePrompt({ question: "q", gold: "g", prediction: "{{gold}}" }, "P={{prediction}}")).toBe("P={{gold}}");
    expect(renderJudgePrompt({ question: "q", gold: "g", prediction: null })).toContain("Predicted answer: (no answer)");
  });

  it("asks at temperature 0 and keeps verdict, explanation and raw reply", async () => {
    const judge = createChatClient({ baseUrl: url, model: "judge-m" });
    const right = await judgeAnswer({ question: "Capital of France?", gold: "Paris", prediction: "Paris" }, judge);
    expect(right).toMatchObject({ verdict: "correct", correct: true, explanation: "compared with the gold", model: "judge-m" });
    expect(right.raw).toContain('"verdict"');
    expect(seen[0]).toMatchObject({ temperature: 0, model: "judge-m" });
    const wrong = await judgeAnswer({ question: "Capital of France?", gold: "Paris", prediction: "Lyon" }, judge);
    expect(wrong).toMatchObject({ verdict: "incorrect", correct: false });
  });

  it("parses replies that wrap or omit the JSON", () => {
    expect(parseVerdict('Sure!\n```json\n{"explanation": "same city", "verdict": "Correct"}\n```')).toEqual({
      verdict: "correct",
      explanation: "same city",
    });
    expect(parseVerdict("The answers differ.\nVerdict: incorrect").verdict).toBe("incorrect");
    expect(parseVerdict("I cannot tell.").verdict).toBe("unparsed");
  });
});
