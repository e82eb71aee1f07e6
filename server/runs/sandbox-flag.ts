// Whether a stored run ran model code with the sandbox opt-out, for the workbench's warnings.
// Reads the stored config leniently: runs stored before the flag existed count as isolated.

export type UnsafeSandbox = { layersOff: string[] } | null;

export function unsafeSandboxOf(config: unknown): UnsafeSandbox {
  const cfg = (config ?? {}) as { sandbox?: unknown; unsafeNoSandbox?: unknown; sandboxLayersOff?: unknown };
  if (cfg.sandbox !== "unsafe" && cfg.unsafeNoSandbox !== true) return null;
  const off = Array.isArray(cfg.sandboxLayersOff) ? cfg.sandboxLayersOff.map(String) : [];
  return { layersOff: off };
}
