// Shown on a run and on each of its trajectories when the run was started with the sandbox
// opt-out (--unsafe-no-sandbox / DISTILLERY_SANDBOX=unsafe): its model code ran less contained.
import type { UnsafeSandbox } from "@/server/runs/sandbox-flag";

export function UnsafeSandboxWarning({ unsafe }: { unsafe: UnsafeSandbox }) {
  if (!unsafe) return null;
  const layers = unsafe.layersOff.length ? unsafe.layersOff.join(", ") : "none reported off at start";
  return (
    <p className="error unsafe-sandbox" role="alert" data-testid="unsafe-sandbox">
      Unsafe sandbox: this run was started with the sandbox opt-out; its model code ran without
      required isolation layers (off: {layers}).
    </p>
  );
}
