// JSON lines over a child's stdio: each request carries an `id`, and its reply is the message that
// comes back with the same id, in whatever order replies arrive. Other messages (events, calls
// from the child) and lines that are not JSON go to their own handlers.
import type { Readable, Writable } from "node:stream";
import { LineSplitter } from "./lines";

export type Message = Record<string, unknown>;

export type JsonLinesHandlers = {
  /** A message that answers no pending request. */
  onMessage?: (message: Message) => void;
  /** A line that is not a JSON object (a stray print); ignored unless handled. */
  onText?: (line: string) => void;
  /** Which messages are replies (default: any with a pending id); e.g. only `type: "result"`. */
  isReply?: (message: Message) => boolean;
};

type Pending = { resolve: (reply: Message) => void; reject: (err: Error) => void };

export class JsonLines {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor(
    input: Readable,
    private readonly output: Writable,
    private readonly handlers: JsonLinesHandlers = {},
  ) {
    const splitter = new LineSplitter((line) => this.onLine(line));
    input.setEncoding("utf8");
    input.on("data", (chunk: string) => splitter.push(chunk));
    input.once("end", () => splitter.end());
  }

  /** Send `message` with a fresh id (or the given one) and wait for the reply with that id. */
  request(message: Message, id: number = this.nextId++): Promise<Message> {
    if (this.failure) return Promise.reject(this.failure);
    const reply = new Promise<Message>((resolve, reject) => this.pending.set(id, { resolve, reject }));
    this.send({ ...message, id });
    return reply;
  }

  /** Send a message that expects no reply. */
  send(message: Message): void {
    if (!this.output.writableEnded && !this.output.destroyed) this.output.write(JSON.stringify(message) + "\n");
  }

  /** Ids still waiting for a reply, oldest first. */
  get waiting(): number[] {
    return [...this.pending.keys()];
  }

  /** Stop waiting for one request; a late reply to it is then handled as any other message. */
  forget(id: number): void {
    this.pending.delete(id);
  }

  /** The other side is gone: every pending request (and any later one) rejects with `err`. */
  fail(err: Error): void {
    this.failure ??= err;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(err);
  }

  private onLine(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      message = undefined;
    }
    if (!message || typeof message !== "object" || Array.isArray(message)) {
      this.handlers.onText?.(line);
      return;
    }
    const msg = message as Message;
    const id = typeof msg.id === "number" ? msg.id : undefined;
    const isReply = this.handlers.isReply?.(msg) ?? true;
    const pending = id === undefined || !isReply ? undefined : this.pending.get(id);
    if (!pending) return void this.handlers.onMessage?.(msg);
    this.pending.delete(id!);
    pending.resolve(msg);
  }
}
