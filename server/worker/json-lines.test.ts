// JSON-lines requests against a real Python child that answers out of order.
import { describe, expect, it } from "vitest";
import { workerPython } from "./interpreter";
import { JsonLines, type Message } from "./json-lines";
import { startProcess } from "./process";

// Reads three requests, prints a stray line and an event, then answers them last-first.
const REVERSES = `
import json, sys
requests = [json.loads(sys.stdin.readline()) for _ in range(3)]
print("not json", flush=True)
print(json.dumps({"event": "halfway"}), flush=True)
for r in reversed(requests):
    print(json.dumps({"id": r["id"], "echo": r["text"]}), flush=True)
`;

describe("JsonLines", () => {
  it("matches replies to requests by id, whatever order they come back in", async () => {
    const run = startProcess({ command: workerPython(), args: ["-c", REVERSES] });
    const events: Message[] = [];
    const texts: string[] = [];
    const channel = new JsonLines(run.child.stdout, run.child.stdin, {
      onMessage: (m) => events.push(m),
      onText: (t) => texts.push(t),
    });
    const replies = await Promise.all(["a", "b", "c"].map((text) => channel.request({ text })));
    expect(replies.map((r) => r.echo)).toEqual(["a", "b", "c"]);
    expect(replies.map((r) => r.id)).toEqual([1, 2, 3]);
    expect(events).toEqual([{ event: "halfway" }]);
    expect(texts).toEqual(["not json"]);
    expect(channel.waiting).toEqual([]);
    await run.exited;
  });

  it("rejects what is still pending, and anything later, once the other side is gone", async () => {
    const run = startProcess({ command: workerPython(), args: ["-c", "import sys; sys.stdin.readline()"] });
    const channel = new JsonLines(run.child.stdout, run.child.stdin);
    const pending = channel.request({ text: "never answered" });
    void run.exited.then(({ code }) => channel.fail(new Error(`exited with code ${code}`)));
    await expect(pending).rejects.toThrow("exited with code 0");
    await expect(channel.request({ text: "too late" })).rejects.toThrow("exited with code 0");
  });

  it("hands a message to onMessage when isReply says it is not a reply, even with a pending id", async () => {
    const code = `import json, sys
r = json.loads(sys.stdin.readline())
print(json.dumps({"type": "tool_call", "id": r["id"]}), flush=True)
print(json.dumps({"type": "result", "id": r["id"]}), flush=True)`;
    const run = startProcess({ command: workerPython(), args: ["-c", code] });
    const calls: Message[] = [];
    const channel = new JsonLines(run.child.stdout, run.child.stdin, {
      onMessage: (m) => calls.push(m),
      isReply: (m) => m.type === "result",
    });
    expect(await channel.request({ op: "exec" })).toEqual({ type: "result", id: 1 });
    expect(calls).toEqual([{ type: "tool_call", id: 1 }]);
    await run.exited;
  });
});
