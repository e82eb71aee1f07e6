// A job's progress on stderr (the CLI and the experiment runner): a one-line bar redrawn in place
// on a TTY; elsewhere (a log file, CI) a plain line at every tenth of the way, so a long job run
// under nohup still shows where it is.
export type Progress = { tick: (done: number, label?: string) => void; finish: () => void };
type Stream = { isTTY?: boolean; columns?: number; write: (text: string) => unknown };

export function progressBar(total: number, title: string, stream: Stream = process.stderr): Progress {
  const tty = stream.isTTY === true;
  const started = Date.now();
  let loggedTenths = -1;
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(0)}s`;
  const draw = (done: number, label = "") => {
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    if (!tty) {
      const tenths = Math.floor(frac * 10);
      if (tenths <= loggedTenths) return;
      loggedTenths = tenths;
      stream.write(`${title} ${done}/${total} (${Math.round(frac * 100)}%) ${elapsed()}${label ? ` ${label}` : ""}\n`);
      return;
    }
    const width = 30;
    const bar = "█".repeat(Math.round(frac * width)).padEnd(width, "░");
    stream.write(`\r${title} ${bar} ${done}/${total} ${elapsed()} ${label}`.slice(0, stream.columns ?? 120));
  };
  return {
    tick: draw,
    finish: () => {
      if (tty) stream.write("\n");
    },
  };
}
