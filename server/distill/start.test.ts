// Where a distillation starts from a registered student: a LoRA one from its base and its adapter
// (the rounds go on training that adapter), a fully fine-tuned one from its own weights.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { students } from "@/db/schema";
import { testDatabases } from "@/test/databases";
import { studentStart } from "./job";

for (const database of testDatabases()) {
  describe(`studentStart (${database.name})`, () => {
    let handle: DbHandle;
    let models: string;
    const saved = process.env.DISTILLERY_DATA_DIR;
    beforeAll(async () => {
      process.env.DISTILLERY_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-start-"));
      models = path.join(process.env.DISTILLERY_DATA_DIR, "models");
      handle = await database.open();
      await handle.db.insert(students).values([
        {
          name: "lora-one",
          baseModel: "student",
          adapterPath: path.join(models, "lora-one", "adapter"),
          modelPath: path.join(models, "lora-one", "merged"),
        },
        { name: "full-one", baseModel: "student", adapterPath: null, modelPath: path.join(models, "full-one", "merged") },
      ]);
    });
    afterAll(async () => {
      await handle?.close();
      if (saved === undefined) delete process.env.DISTILLERY_DATA_DIR;
      else process.env.DISTILLERY_DATA_DIR = saved;
    });

    it("starts a LoRA student from its base and adapter, a full fine-tune from its own weights", async () => {
      expect(await studentStart(handle.db, "lora-one")).toEqual({ base: "student", adapter: path.join(models, "lora-one", "adapter") });
      expect(await studentStart(handle.db, "full-one")).toEqual({ base: path.join(models, "full-one", "merged"), adapter: null });
    });

    it("takes anything else as a base model, and refuses a path outside the model roots", async () => {
      expect(await studentStart(handle.db, "qwen2.5-coder-0.5b-instruct")).toEqual({ base: "qwen2.5-coder-0.5b-instruct", adapter: null });
      await expect(studentStart(handle.db, "/etc")).rejects.toThrow(/model directories are loaded only from/);
    });
  });
}
