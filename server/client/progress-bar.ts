// A job's progress as one line on stderr, drawn only on a TTY (the CLI and the experiment runner).
export type Progress = { tick: (done: number, label?: string) => void; finish: () => void };

/** A one-line progress bar on stderr when it is a TTY; silent otherwise. */
export function progressBar(total: number, title: string): Progress {
  const tty = process.stderr.isTTY === true;
  const started = Date.now();
  const draw = (done: number, label = "") => {
    if (!tty) return;
    const width = 30;
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const bar = "█".repeat(Math.round(frac * width)).padEnd(width, "░");
    const secs = ((Date.now() - started) / 1000).toFixed(0);
    process.stderr.write(`\r${title} ${bar} ${done}/${total} ${secs}s ${label}`.slice(0, process.stderr.columns ?? 120));
  };
  return {
    tick: draw,
    finish: () => {
      if (tty) process.stderr.write("\n");
    },
  };
}
