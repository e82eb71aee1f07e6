import { describe, expect, it } from "vitest";
import { progressBar } from "./progress-bar";

function recorder(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 200, write: (text: string) => writes.push(text) } };
}

describe("progressBar", () => {
  it("logs a plain line at each tenth of the way when stderr is not a terminal", () => {
    const { writes, stream } = recorder(false);
    const bar = progressBar(30, "generate", stream);
    for (let done = 0; done <= 30; done++) bar.tick(done, done === 30 ? "done" : undefined);
    bar.finish();
    expect(writes).toHaveLength(11); // 0%, 10%, …, 100%
    expect(writes[0]).toMatch(/^generate 0\/30 \(0%\) \d+s\n$/);
    expect(writes[1]).toMatch(/^generate 3\/30 \(10%\) /);
    expect(writes.at(-1)).toMatch(/^generate 30\/30 \(100%\) \d+s done\n$/);
  });

  it("does not repeat a line for ticks that stay within the same tenth", () => {
    const { writes, stream } = recorder(false);
    const bar = progressBar(100, "train", stream);
    [1, 2, 5, 9, 9].forEach((done) => bar.tick(done));
    expect(writes).toEqual([expect.stringMatching(/^train 1\/100 \(1%\)/)]);
  });

  it("redraws one line in place on a terminal and ends it at finish", () => {
    const { writes, stream } = recorder(true);
    const bar = progressBar(4, "eval", stream);
    bar.tick(1);
    bar.tick(2);
    bar.finish();
    expect(writes).toHaveLength(3);
    expect(writes[1]).toMatch(/^\reval █{15}░{15} 2\/4 /);
    expect(writes[2]).toBe("\n");
  });
});
