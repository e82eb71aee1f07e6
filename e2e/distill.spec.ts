// On-policy distillation in the browser (issue 20): a distill job is queued through the workbench's
// real API and run by its job loop — the student acts through the agent loop and sandbox, the
// worker's real round updates a tiny random model built in code — while a scripted
// OpenAI-compatible stub on loopback (a test double) plays the student's replies and the teacher's
// scores: two tokens in three get a logprob of −60 (the tiny random student gives its own tokens −15 to −40), so the teacher visibly disputes them. The job page
// charts the round; the round's trajectory is shaded token by token.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { e2eDataDir } from "../playwright.config";
import { workerPython } from "../server/worker/interpreter";
import { startStubLlm, type StubServer } from "../test/stub-llm";
import { distillery } from "./cli";
import { trpc } from "./trpc";

let stub: StubServer;
let jobId: number;

test.beforeAll(async ({ request }) => {
  test.setTimeout(480_000);
  await distillery("import-benchmarks");
  const tiny = path.join(e2eDataDir, "models", "tiny-base"); // model directories load only from model roots
  execFileSync(workerPython(), ["-m", "distillery_worker.weights", "tiny", tiny]);
  stub = await startStubLlm("Thought: multiply the numbers.\n```py\nprint(6 * 7)\nfinal_answer(42)\n```", {
    scorePrompt: (_ids, position) => (position % 3 ? -60 : -0.01),
  });
  const queued = (await trpc(
    request,
    "training.distill",
    {
      student: tiny,
      teacher: tiny,
      benchmark: "math_hard",
      name: "e2e-od",
      rounds: 1,
      episodesPerRound: 2,
      evalBenchmark: "gsm_hard",
      evalLimit: 1,
      studentUrl: stub.url,
      teacherUrl: stub.url,
      maxSteps: 2,
      loraR: 4,
      loraAlpha: 8,
      gradAccum: 1,
      maxLength: 1024,
    },
    "POST",
  )) as { jobId: number };
  jobId = queued.jobId;
  await expect
    .poll(async () => ((await trpc(request, "jobs.get", { id: jobId })) as { status: string }).status, { timeout: 420_000 })
    .toBe("succeeded");
});

test.afterAll(async () => {
  await stub?.close();
});

test("the distillation job's page charts its round", async ({ page }) => {
  await page.goto(`/jobs/${jobId}`);
  const rounds = page.getByRole("region", { name: "Distillation rounds" });
  await expect(rounds.getByRole("figure", { name: /Reverse KL per token/ })).toHaveAttribute("data-points", "1");
  await expect(rounds.getByRole("figure", { name: /Held-out accuracy/ })).toHaveAttribute("data-points", "1");
});

test("a round's trajectory is shaded where the teacher disagrees, with its logprobs on hover", async ({ page }) => {
  await page.goto(`/runs/${encodeURIComponent("e2e-od:round-1")}`);
  await page.getByRole("table", { name: "Trajectories" }).locator("tbody tr").first().getByRole("link").first().click();
  const transcript = page.getByRole("region", { name: "Transcript" });
  const thought = transcript.getByLabel("Thought of step 1, shaded by teacher disagreement");
  await expect(thought).toContainText("multiply the numbers.");
  const disputed = thought.locator(".kl-3").first();
  await expect(disputed).toHaveAttribute("title", /teacher logprob -60\.00 .*\nteacher's first choice/);
  await expect(page.getByRole("navigation", { name: "Outline" }).locator(".dot.disputed")).toHaveCount(1);
  // The focused step's code in the editor carries the same shading as Monaco decorations.
  const editor = page.locator(".monaco-pane");
  await expect(editor).toHaveAttribute("data-ready", "true");
  await expect(editor.locator(".kl-3").first()).toBeVisible();
  await expect(page.locator(".kl-legend")).toContainText("Shaded where the teacher");
});

test("the Jobs page's distillation form checks its fields with the API's schema", async ({ page }) => {
  await page.goto("/jobs");
  const form = page.getByRole("form", { name: "Distil a student on-policy" });
  await form.getByRole("button", { name: "Distil" }).click();
  await expect(form.locator(".field .error")).toHaveCount(2); // the student and the benchmark
  await expect(form.getByRole("combobox", { name: "Benchmark (train split)" })).toContainText("math_hard");
});
