// The end of a process's stderr, kept for failure messages: a chatty or runaway process must not
// grow it without bound, so only the last `maxChars` characters are held.

export class OutputTail {
  private text = "";

  constructor(private readonly maxChars: number = 4000) {}

  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.maxChars);
  }

  /** Append a note of our own (e.g. why we killed the process) to what it said. */
  note(line: string): void {
    this.push(`\n${line}`);
  }

  get value(): string {
    return this.text;
  }

  /** The last `n` non-empty lines, joined with `separator`. */
  lastLines(n: number, separator = "\n"): string {
    return this.text
      .split("\n")
      .filter((line) => line.trim() !== "")
      .slice(-n)
      .join(separator);
  }
}
