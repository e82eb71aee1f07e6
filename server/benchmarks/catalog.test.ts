import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "@/server/errors";
import { readBenchmarkFile, readManifest } from "./catalog";

function tempBenchmarks(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const entry = { name: "toy", split: "test", kind: "qa", title: "Toy", file: "toy.json" } as const;

describe("benchmark catalog", () => {
  it("reads the shipped manifest: 11 files, 3 train and 8 test sets", () => {
    const manifest = readManifest();
    expect(manifest).toHaveLength(11);
    expect(manifest.filter((b) => b.split === "test")).toHaveLength(8);
  });

  it("names the file and the field when a benchmark file is malformed", () => {
    const dir = tempBenchmarks({ "toy.json": JSON.stringify({ examples: [{ id: 1, answer: "x" }] }) });
    expect(() => readBenchmarkFile(entry, dir)).toThrow(InputError);
    expect(() => readBenchmarkFile(entry, dir)).toThrow(/toy\.json: examples\.0\.question/);
  });

  it("rejects a file that is not JSON with a clear message", () => {
    const dir = tempBenchmarks({ "toy.json": "{not json" });
    expect(() => readBenchmarkFile(entry, dir)).toThrow(/toy\.json: not valid JSON/);
  });

  it("keeps ids as strings and extra fields as meta, skipping rows without a gold answer", () => {
    const dir = tempBenchmarks({
      "toy.json": JSON.stringify({
        metadata: {},
        examples: [
          { id: 7, question: "q?", answer: 2.5, level: "hard" },
          { id: 8, question: "q2?", answer: null },
        ],
      }),
    });
    const { questions, skipped } = readBenchmarkFile(entry, dir);
    expect(questions).toEqual([{ externalId: "7", position: 0, question: "q?", answer: "2.5", meta: { level: "hard" } }]);
    expect(skipped).toBe(1);
  });
});
