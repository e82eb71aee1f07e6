// Small display helpers shared by the trace components.
export function formatBytes(chars: number): string {
  return chars >= 1024 ? `${(chars / 1024).toFixed(1)} KB` : `${chars} B`;
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`;
}

export const ERROR_LABELS = {
  parse: "Parse error",
  exec: "Execution error",
  timeout: "Timeout",
  max_steps: "Max steps reached",
} as const;

export const STATUS_LABELS = { finished: "finished", max_steps: "max steps", error: "error" } as const;

export function outcomeLabel(correct: boolean | null): string {
  return correct === null ? "unscored" : correct ? "correct" : "incorrect";
}
