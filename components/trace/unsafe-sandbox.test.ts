// The opt-out warning, rendered by the real trajectory header (the data path from a run's stored
// config to `run.unsafeSandbox` is tested against a real run in server/runs/generate.test.ts).
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import type { TrajectoryDetail } from "@/server/trajectories/detail";
import { TraceHeader } from "./TraceHeader";

function header(unsafeSandbox: { layersOff: string[] } | null): string {
  const trajectory = {
    run: { name: "r1", model: "m", mode: "agent", role: "teacher", ftp: false, sag: 1, unsafeSandbox },
    benchmark: { name: "gsm_hard" },
    question: { externalId: "q1", text: "2+2?", answer: "4" },
    sampleIdx: 0,
    numSteps: 1,
    tokensIn: 1,
    tokensOut: 1,
    latencyMs: 5,
    finalAnswer: "4",
    correct: true,
    status: "finished",
    error: null,
    annotations: [],
  } as unknown as TrajectoryDetail;
  return renderToStaticMarkup(createElement(TraceHeader, { trajectory }));
}

describe("unsafe sandbox warning", () => {
  it("shows on a trajectory of a run started with the opt-out, naming the layers that were off", () => {
    const html = header({ layersOff: ["net_namespace", "landlock"] });
    expect(html).toContain('data-testid="unsafe-sandbox"');
    expect(html).toMatch(/Unsafe sandbox:.*sandbox opt-out.*Off when it started: net_namespace, landlock\./);
  });

  it("says so when no layer was off at the start", () => {
    expect(header({ layersOff: [] })).toContain("None was off when it started.");
  });

  it("is absent for an isolated run", () => {
    expect(header(null)).not.toContain("unsafe-sandbox");
  });
});
