// Flags derived from a config schema: a boolean that defaults to true is turned off with --no-….
import { describe, expect, it } from "vitest";
import { resolveTrainConfig, trainConfigInput, trainerFlags } from "@/server/training/config";
import { UsageError } from "./command";
import { inputFromFlags, optionsFromSchema } from "./schema-flags";

const parse = (values: Record<string, unknown>) => inputFromFlags(trainConfigInput, { values, positionals: [] } as never);

describe("schema flags", () => {
  it("gives a boolean that defaults to true a --no- flag, and only such a boolean", () => {
    const options = optionsFromSchema(trainConfigInput, {});
    expect(options["gradient-checkpointing"]).toMatchObject({ type: "boolean" });
    expect(options["no-gradient-checkpointing"]).toMatchObject({ type: "boolean", help: "turn off --gradient-checkpointing" });
    expect(Object.keys(options).filter((o) => o.startsWith("no-"))).toEqual(["no-gradient-checkpointing"]);
  });

  it("turns the field off with --no-…, refuses both at once, and passes it on to the trainer", () => {
    expect(parse({ dataset: "ds" }).gradientCheckpointing).toBe(true);
    const off = parse({ dataset: "ds", "no-gradient-checkpointing": true });
    expect(off.gradientCheckpointing).toBe(false);
    expect(() => parse({ dataset: "ds", "gradient-checkpointing": true, "no-gradient-checkpointing": true })).toThrow(UsageError);
    expect(trainerFlags(resolveTrainConfig(off), 2048)).toContain("--no-gradient-checkpointing");
  });
});
