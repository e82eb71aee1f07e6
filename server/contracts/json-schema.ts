// The contracts as the worker reads them: JSON Schema files under worker/distillery_worker/
// contracts/, written by `npm run contracts` (scripts/export-contracts.ts) and committed;
// contracts.test.ts fails when a committed file is not what these schemas export.
import path from "node:path";
import { z } from "zod";
import { hostOp, sandboxMessage } from "./sandbox-protocol";
import { trainerConfig } from "./train-config";
import { trainerEvent } from "./trainer-events";

export const CONTRACTS_DIR = path.join("worker", "distillery_worker", "contracts");

const GENERATED = "generated from server/contracts/ by `npm run contracts`; do not edit";

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  // Input side: a field with a default is optional to the sender and carries its default.
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io: "input" });
  return rest;
}

function document(source: string, body: Record<string, unknown>): Record<string, unknown> {
  return { $schema: "https://json-schema.org/draft/2020-12/schema", $comment: `${GENERATED} (${source})`, ...body };
}

/** Each contract file's name and content, as written to disk. */
export function contractFiles(): Record<string, string> {
  const documents: Record<string, unknown> = {
    "train-config.json": document("train-config.ts", jsonSchema(trainerConfig)),
    "trainer-events.json": document("trainer-events.ts", jsonSchema(trainerEvent)),
    "sandbox-protocol.json": document("sandbox-protocol.ts", {
      $defs: { host_op: jsonSchema(hostOp), sandbox_message: jsonSchema(sandboxMessage) },
    }),
  };
  return Object.fromEntries(Object.entries(documents).map(([name, doc]) => [name, JSON.stringify(doc, null, 2) + "\n"]));
}
