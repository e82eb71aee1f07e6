// The code sandbox's protocol: JSON lines between the host (server/tools/sandbox/session.ts, or
// worker/distillery_worker/sandbox/client.py in tests) and the sandbox's PID 1
// (worker/distillery_worker/sandbox/supervisor.py), one object per line. Exported to
// worker/distillery_worker/contracts/sandbox-protocol.json, against which the worker's tests
// check what the supervisor sends and what the Python client sends.
import { z } from "zod";

const opId = z.number().int().describe("chosen by the host; the reply to the op carries it back");
/** The worker's tool-call counter, passed through untouched and echoed back in tool_result. */
const callId = z.unknown();
const candidate = z.number().int().nullable().describe("the SAG candidate's index; null for the episode itself");

export const actionError = z.strictObject({ type: z.string(), message: z.string(), traceback: z.string() });

/** The outcome of one action. Code failures are data, never exceptions. */
export const actionResult = z.strictObject({
  ok: z.boolean(),
  stdout: z.string(),
  value_repr: z.string().nullable(),
  assigned: z.string().optional().describe("`name = repr` of the variable a final assignment set (when the action printed nothing)"),
  final_answer: z.unknown().optional(),
  error: actionError.optional(),
});

/** Host → sandbox, on its stdin. */
export const hostOp = z.discriminatedUnion("op", [
  z.strictObject({ op: z.literal("exec"), id: opId, code: z.string(), timeout: z.number().describe("wall-clock seconds") }),
  z.strictObject({ op: z.literal("fork"), id: opId, codes: z.array(z.string()).min(1).max(32), timeout: z.number() }),
  z.strictObject({ op: z.literal("keep"), id: opId, index: z.number().int().nullable().describe("null: drop every candidate") }),
  z.strictObject({
    op: z.literal("tool_result"),
    id: opId,
    candidate,
    call: callId,
    ok: z.boolean(),
    value: z.unknown().optional(),
    error: z.string().optional(),
  }),
  z.strictObject({ op: z.literal("close") }),
]);

/** Sandbox → host, on its stdout: first `ready` (or `refused`), then results and tool calls. */
export const sandboxMessage = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("ready"),
    layers: z.record(z.string(), z.boolean()),
    notes: z.record(z.string(), z.string()),
    required: z.array(z.string()).describe("the layers without which the sandbox refuses to run code"),
    uid: z.number().int(),
  }),
  z
    .strictObject({
      type: z.literal("refused"),
      missing: z.array(z.string()),
      layers: z.record(z.string(), z.boolean()),
      notes: z.record(z.string(), z.string()),
    })
    .describe("instead of ready: a required isolation layer is off and no code will run"),
  z.strictObject({
    type: z.literal("tool_call"),
    id: opId,
    candidate,
    call: callId,
    name: z.string(),
    args: z.array(z.unknown()),
    kwargs: z.record(z.string(), z.unknown()),
  }),
  z.strictObject({
    type: z.literal("result"),
    id: opId.nullable().describe("null when the op it answers had none"),
    result: z.union([actionResult, z.strictObject({ ok: z.literal(true) }).describe("keep")]).optional(),
    results: z.array(actionResult).optional().describe("fork: one per candidate, in order"),
    error: z.string().optional().describe("the op itself failed (not the code it ran)"),
  }),
]);

export type ActionError = z.output<typeof actionError>;
export type ActionResult = z.output<typeof actionResult>;
export type HostOp = z.output<typeof hostOp>;
export type SandboxMessage = z.output<typeof sandboxMessage>;
export type ResultMessage = Extract<SandboxMessage, { type: "result" }>;
export type ToolCallMessage = Extract<SandboxMessage, { type: "tool_call" }>;
