// Splits a growing text stream into lines: pieces arrive in arbitrary chunks, a line is delivered
// once its newline has arrived, and the unfinished rest is held until more text (or the end).

export class LineSplitter {
  private partial = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const text = this.partial + chunk;
    const parts = text.split("\n");
    this.partial = parts.pop() ?? "";
    for (const part of parts) this.onLine(part.endsWith("\r") ? part.slice(0, -1) : part);
  }

  /** The stream ended: deliver a last line that had no newline. */
  end(): void {
    if (this.partial) this.onLine(this.partial);
    this.partial = "";
  }
}

/** The last `n` non-empty lines of `text`, for failure messages. */
export function lastLines(text: string, n: number): string {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(-n)
    .join("\n");
}
