// Fail closed: model-written code runs only in a sandbox with every required isolation layer
// (the Python launcher decides which are required and answers `refused` otherwise), unless the
// user opted out explicitly — `--unsafe-no-sandbox` on a run or DISTILLERY_SANDBOX=unsafe in
// the server's environment. A run checks this once before its first episode, so it refuses to
// start instead of failing question by question, and records an opt-out in its stored config.
import { InputError } from "@/server/errors";

export const OPT_OUT_FLAG = "--unsafe-no-sandbox";
export const OPT_OUT_ENV = "DISTILLERY_SANDBOX=unsafe";
export const REFUSED_PREFIX = "code sandbox refused to start";

/** True when the user asked to run model code without the missing layers. */
export function sandboxOptedOut(flag?: boolean): boolean {
  return flag === true || process.env.DISTILLERY_SANDBOX === "unsafe";
}

/** The sandbox could not isolate and nobody opted out: one line, naming the layers and the way out. */
export class SandboxRefused extends InputError {
  constructor(
    readonly missing: string[],
    notes: Record<string, string>,
  ) {
    const layers = missing.map((name) => (notes[name] ? `${name} (${notes[name]})` : name)).join(", ");
    super(
      `${REFUSED_PREFIX}: isolation layer(s) missing: ${layers}. ` +
        `To run model code without them anyway, pass ${OPT_OUT_FLAG} or set ${OPT_OUT_ENV}.`,
    );
  }
}

export function isSandboxRefusal(err: unknown): boolean {
  return err instanceof Error && err.message.includes(REFUSED_PREFIX);
}
