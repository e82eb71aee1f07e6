// What a model server runs on, as the embedded server announces it when it starts listening, and
// how it is shown (run page, `runs show`). Free of server-only imports: the browser shows it too.

/** Engine, device and weight dtype, e.g. vllm · cpu · bfloat16. */
export type Served = { engine: string; device: string; dtype: string };

/** "vllm · cpu · bfloat16 (300)", one per engine/device/dtype a run's trajectories were made on. */
export function servedLabel(served: (Served & { trajectories: number })[]): string {
  return served.map((s) => `${s.engine} · ${s.device} · ${s.dtype} (${s.trajectories})`).join(", ");
}
