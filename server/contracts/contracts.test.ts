// The contracts shared with the Python worker: the committed JSON Schema files are what the zod
// schemas export (else: `npm run contracts`), and the schemas accept what each side really sends.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { helpFromSchema } from "@/server/cli/schema-flags";
import { resolveTrainConfig, trainConfigInput, trainerFlags } from "@/server/training/config";
import { CONTRACTS_DIR, contractFiles } from "./json-schema";
import { hostOp, sandboxMessage } from "./sandbox-protocol";
import { DEFAULT_LR, trainerConfig } from "./train-config";
import { parseTrainerEvent } from "./trainer-events";

describe("the contracts with the Python worker", () => {
  it("are committed as the JSON Schema the zod schemas export (run `npm run contracts` if not)", () => {
    const files = contractFiles();
    const committed = fs.readdirSync(CONTRACTS_DIR).filter((name) => name.endsWith(".json"));
    expect(committed.sort()).toEqual(Object.keys(files).sort());
    for (const [name, text] of Object.entries(files)) {
      expect(fs.readFileSync(path.join(CONTRACTS_DIR, name), "utf8"), `${name} is stale: run npm run contracts`).toBe(text);
    }
  });

  it("give the trainer's config the paper's defaults", () => {
    const config = trainerConfig.parse({ data: "d.jsonl", out: "o" });
    expect(config).toMatchObject({
      base: "student",
      epochs: 2,
      finetune: "lora",
      lora_r: 64,
      lora_alpha: 128,
      lora_dropout: 0.05,
      max_length: 10240,
    });
    expect(config.lr).toBeUndefined(); // the trainer's default for the fine-tuning: DEFAULT_LR
    expect(DEFAULT_LR).toEqual({ lora: 2e-4, full: 2e-5 });
    expect(trainerConfig.safeParse({ data: "d.jsonl", out: "o", learning_rate: 1 }).success).toBe(false);
    expect(trainerConfig.safeParse({ data: "d.jsonl", out: "o", finetune: "half" }).success).toBe(false);
  });

  it("are where the train job's flags, defaults and CLI help come from", () => {
    const help = helpFromSchema(trainConfigInput);
    expect(help).toMatchObject({
      lr: "learning rate; default 2e-4 with LoRA, 2e-5 with full fine-tuning",
      finetune: expect.stringMatching(/^lora: .*; full: .* \(default lora\)$/),
      loraR: "LoRA rank (default 64)",
      loraDropout: "LoRA dropout (default 0.05)",
    });
    expect(help.maxSteps).toBe(trainerConfig.shape.max_steps.description);
    const flags = trainerFlags(resolveTrainConfig({ dataset: "ds", maxSteps: 3 }), 4096);
    expect(flags).toEqual([
      "--base",
      "student",
      "--epochs",
      "2",
      "--max-steps",
      "3",
      "--finetune",
      "lora",
      "--lora-r",
      "64",
      "--lora-alpha",
      "128",
      "--lora-dropout",
      "0.05",
      "--max-length",
      "4096",
      "--gradient-checkpointing",
      "--save-steps",
      "50",
      "--seed",
      "42",
    ]);
    const names = flags.filter((f) => f.startsWith("--")).map((f) => f.slice(2).replace(/^no-/, "").replaceAll("-", "_"));
    expect(names.filter((name) => !(name in trainerConfig.shape))).toEqual([]);
  });

  it("read trainer events and leave other stdout lines alone", () => {
    expect(parseTrainerEvent('{"event": "checkpoint", "step": 2, "path": "/o/checkpoint-2"}')).toEqual({
      event: "checkpoint",
      step: 2,
      path: "/o/checkpoint-2",
    });
    const step = { event: "step", step: 1, max_steps: 3, epoch: 0.5, loss: null, lr: 2e-4, grad_norm: 1.5, tokens_per_s: 10 };
    expect(parseTrainerEvent(JSON.stringify(step))).toEqual(step);
    expect(parseTrainerEvent("Loading checkpoint shards: 100%")).toBeNull();
    expect(parseTrainerEvent('{"event": "step", "step": "one"}')).toBeNull();
    expect(parseTrainerEvent("{oops")).toBeNull();
  });

  it("tell host ops and sandbox messages apart by kind", () => {
    expect(hostOp.safeParse({ op: "keep", id: 3, index: null }).success).toBe(true);
    expect(hostOp.safeParse({ op: "fork", id: 3, codes: [], timeout: 10 }).success).toBe(false);
    expect(sandboxMessage.safeParse({ type: "result", id: 1, result: { ok: true } }).success).toBe(true);
    expect(sandboxMessage.safeParse({ type: "ready", layers: {}, notes: {}, required: [] }).success).toBe(false);
  });
});
