// Shown on a run and on each of its trajectories when the run was started with the sandbox
// opt-out (--unsafe-no-sandbox / DISTILLERY_SANDBOX=unsafe): its model code ran less contained.
import type { UnsafeSandbox } from "@/server/runs/sandbox-flag";

export function UnsafeSandboxWarning({ unsafe }: { unsafe: UnsafeSandbox }) {
  if (!unsafe) return null;
  const off = unsafe.layersOff;
  return (
    <p className="error unsafe-sandbox" role="alert" data-testid="unsafe-sandbox">
      Unsafe sandbox: this run was started with the sandbox opt-out (--unsafe-no-sandbox), so its model code would have run even without
      required isolation layers. {off.length ? `Off when it started: ${off.join(", ")}.` : "None was off when it started."}
    </p>
  );
}
