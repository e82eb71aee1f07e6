// The quick check a run makes before its first episode: start one sandbox and close it. Throws
// SandboxRefused (one line, naming the missing layers and the opt-out) when it cannot isolate
// and the run did not opt out; otherwise returns the layers that are off (empty when isolated).
import { checkSandbox } from "./session";

export async function probeSandbox(opts: { mode: string; unsafeNoSandbox: boolean }): Promise<string[]> {
  if (opts.mode !== "agent") return []; // CoT runs never execute code
  const report = await checkSandbox({ allowUnsafe: opts.unsafeNoSandbox });
  return report.layersOff;
}
