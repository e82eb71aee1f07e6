// The trace viewer on a huge trajectory (50 steps × 8 SAG candidates, 50 KB observations) in
// Chromium, side by side: the real page (previews + "Show all", lazy painting of off-screen
// steps) vs the same page with both turned off (?full=1). Measures, per load: time to the first
// step on screen, time to the last step on screen (deep link #step-N), and the longest main-
// thread stall while scrolling top to bottom. Alternates modes, reports medians and ratios.
// Run: npx next build && npx tsx bench/trace_viewer.ts [--runs 5] [--steps 50] [--json]
//      or against a running server seeded with bench/seed_trace_demo.ts: --url URL --id ID
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Page } from "@playwright/test";
import { waitForWorkbench } from "../server/client/health";

const { values: flags } = parseArgs({
  options: {
    runs: { type: "string", default: "5" },
    steps: { type: "string", default: "50" },
    candidates: { type: "string", default: "8" },
    bytes: { type: "string", default: "50000" },
    url: { type: "string" },
    id: { type: "string" },
    port: { type: "string", default: "3411" },
    json: { type: "boolean", default: false },
  },
});
const STEPS = Number(flags.steps);

async function seedAndServe(): Promise<{ url: string; id: number; stop: () => void; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), "distillery-bench-trace-"));
  const env = { ...process.env, DISTILLERY_DATA_DIR: dir, DATABASE_URL: "" };
  const seeded = await new Promise<string>((resolve, reject) => {
    const child = spawn(
      "npx",
      ["tsx", "bench/seed_trace_demo.ts", "--steps", flags.steps!, "--candidates", flags.candidates!, "--bytes", flags.bytes!],
      { env },
    );
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.pipe(process.stderr);
    child.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`seeding failed (${code})`))));
  });
  const id = (JSON.parse(seeded.trim().split("\n").at(-1)!) as { huge: number }).huge;
  const server: ChildProcess = spawn("bash", ["scripts/start.sh"], {
    env: { ...env, PORT: flags.port!, HOST: "127.0.0.1" },
    stdio: "ignore",
    detached: true,
  });
  const url = `http://127.0.0.1:${flags.port}`;
  await waitForWorkbench(url, 60_000);
  return { url, id, dir, stop: () => process.kill(-server.pid!, "SIGTERM") };
}

type Sample = { firstStepMs: number; lastStepMs: number; longestScrollStallMs: number; domNodes: number };

async function measure(page: Page, url: string): Promise<Sample> {
  const t0 = Date.now();
  await page.goto(url, { waitUntil: "commit" });
  await page.locator("#step-0 .outcome-text").first().waitFor({ state: "visible", timeout: 120_000 });
  const firstStepMs = Date.now() - t0;
  const t1 = Date.now();
  // The last step by its deep link, as a user following a link to it would.
  await page.evaluate((n) => (window.location.hash = `#step-${n}`), STEPS - 1);
  await page
    .locator(`#step-${STEPS - 1} .outcome-text`)
    .first()
    .waitFor({ state: "visible", timeout: 120_000 });
  await page.waitForFunction((n) => {
    const r = document.getElementById(`step-${n}`)?.getBoundingClientRect();
    return !!r && r.top < window.innerHeight && r.bottom > 0;
  }, STEPS - 1);
  const lastStepMs = firstStepMs + (Date.now() - t1);
  // Scroll top to bottom in viewport steps; the longest gap between animation frames is the
  // worst stall a reader would feel.
  const longestScrollStallMs = await page.evaluate(async () => {
    window.scrollTo(0, 0);
    let last = performance.now();
    let worst = 0;
    const total = document.documentElement.scrollHeight;
    for (let y = 0; y < total; y += window.innerHeight * 0.9) {
      window.scrollTo(0, y);
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      const now = performance.now();
      worst = Math.max(worst, now - last);
      last = now;
    }
    return worst;
  });
  const domNodes = await page.evaluate(() => document.getElementsByTagName("*").length);
  return { firstStepMs, lastStepMs, longestScrollStallMs, domNodes };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const served = flags.url ? { url: flags.url, id: Number(flags.id), stop: () => {}, dir: "" } : await seedAndServe();
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu"],
});
try {
  // A fresh context per load: no HTTP or query cache carries over between measurements.
  const fresh = async (fn: (page: Page) => Promise<Sample>) => {
    const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
    try {
      return await fn(await context.newPage());
    } finally {
      await context.close();
    }
  };
  const modes = { viewer: `${served.url}/trajectories/${served.id}`, baseline: `${served.url}/trajectories/${served.id}?full=1` };
  await fresh((page) => measure(page, modes.viewer)); // warm the server's routes and caches
  await fresh((page) => measure(page, modes.baseline));
  const samples: Record<keyof typeof modes, Sample[]> = { viewer: [], baseline: [] };
  for (let i = 0; i < Number(flags.runs); i++) {
    for (const mode of ["viewer", "baseline"] as const) samples[mode].push(await fresh((page) => measure(page, modes[mode])));
  }
  const summary = Object.fromEntries(
    (["viewer", "baseline"] as const).map((m) => [
      m,
      {
        firstStepMs: median(samples[m].map((s) => s.firstStepMs)),
        lastStepMs: median(samples[m].map((s) => s.lastStepMs)),
        longestScrollStallMs: median(samples[m].map((s) => s.longestScrollStallMs)),
        domNodes: median(samples[m].map((s) => s.domNodes)),
      },
    ]),
  ) as Record<"viewer" | "baseline", Sample>;
  const ratio = (k: keyof Sample) => summary.baseline[k] / Math.max(summary.viewer[k], 1);
  const result = {
    trajectory: { steps: STEPS, candidates: Number(flags.candidates), observationBytes: Number(flags.bytes) },
    runs: Number(flags.runs),
    summary,
    baselineOverViewer: { firstStep: ratio("firstStepMs"), lastStep: ratio("lastStepMs"), scrollStall: ratio("longestScrollStallMs") },
  };
  if (flags.json) console.log(JSON.stringify(result, null, 2));
  else {
    console.log(
      `trace viewer, ${STEPS} steps × ${flags.candidates} candidates, ${flags.bytes}-char observations; medians of ${flags.runs}`,
    );
    console.log("                          viewer    baseline(?full=1)  baseline/viewer");
    for (const k of ["firstStepMs", "lastStepMs", "longestScrollStallMs", "domNodes"] as const) {
      console.log(
        `  ${k.padEnd(22)} ${summary.viewer[k].toFixed(0).padStart(8)} ${summary.baseline[k].toFixed(0).padStart(14)} ${ratio(k).toFixed(2).padStart(14)}x`,
      );
    }
  }
} finally {
  await browser.close();
  served.stop();
  if (served.dir) rmSync(served.dir, { recursive: true, force: true });
}
