// Datasets and jobs end to end (issue 7): a teacher run is generated through the running
// workbench by the real CLI against a scripted OpenAI-compatible stub model (a test double on
// loopback), frozen into a dataset from the Datasets page, previewed token by token, and a LoRA
// student is trained from the Jobs page on a tiny random model until it succeeds with a loss curve.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { startStubLlm, type StubRequest, type StubServer } from "../test/stub-llm";
import { e2eDataDir } from "../playwright.config";
import { distillery } from "./cli";

const RUN = "e2e-jobs-teacher";
const DATASET = "e2e-sft";
let stub: StubServer;
/** A "model" that takes a minute to answer: keeps the eval job running until it is cancelled. */
let slowStub: StubServer;
let tinyModel: string;

/** The "model": compute in the first step, answer in the second. */
function script(req: StubRequest): string {
  const turns = req.messages.filter((m) => m.role === "assistant").length;
  if (turns === 0) return "Thought: add them up.\n```py\ntotal = 3 + 4\nprint(total)\n```";
  return "Thought: done\n```py\nfinal_answer(total)\n```";
}

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await distillery("import-benchmarks");
  stub = await startStubLlm(script, { model: "stub-teacher" });
  slowStub = await startStubLlm(script, { model: "e2e-student", latencyMs: 60_000 });
  // `generate` goes through the running server's API and follows the job to its end.
  await distillery(
    "generate",
    "--run",
    RUN,
    "--benchmark",
    "gsm_hard",
    "--limit",
    "2",
    "--model-url",
    stub.url,
    "--model",
    "stub-teacher",
    "--json",
  );
  // Model directories load only from the model cache or <data dir>/models (the server's rule).
  tinyModel = path.join(e2eDataDir, "models", "e2e-tiny-base");
  fs.mkdirSync(tinyModel, { recursive: true });
  execFileSync(".venv/bin/python", ["-m", "distillery_worker.weights", "tiny", tinyModel], { stdio: "ignore" });
});

test.afterAll(async () => {
  await Promise.all([stub?.close(), slowStub?.close()]);
  if (tinyModel) fs.rmSync(tinyModel, { recursive: true, force: true });
});

test("create a dataset from the Datasets page form, then preview its tokens", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/datasets");
  const form = page.getByRole("form", { name: "New dataset" });
  // The schema's own messages, per field, before anything reaches the server.
  await form.getByRole("button", { name: "Create dataset" }).click();
  await expect(form.getByText("at least one --run")).toBeVisible();
  await expect(form.getByText(/letters, digits/)).toBeVisible();

  await form.getByLabel("Name").fill(DATASET);
  await form.getByRole("checkbox", { name: RUN }).check();
  // The stub's answers are not the gold ones: keep every finished, parsed trajectory.
  await form.getByRole("checkbox", { name: "Correct only" }).uncheck();
  await form.getByRole("checkbox", { name: "Accepted only" }).check();
  await form.getByRole("checkbox", { name: "Exclude rejected" }).check();
  await expect(form.getByRole("checkbox", { name: "Accepted only" })).not.toBeChecked();
  await form.getByRole("button", { name: "Create dataset" }).click();
  await expect(form.getByRole("status")).toContainText(`Created ${DATASET}@1`);

  const table = page.getByRole("table", { name: "Datasets" });
  const row = table.getByRole("row").filter({ hasText: `${DATASET}@1` });
  await expect(row).toContainText("agent");
  await expect(row).toContainText("rejected excluded");
  await row.getByRole("link", { name: `${DATASET}@1` }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`${DATASET}@1`);
  const messages = page.getByRole("list", { name: "Example messages" });
  await expect(messages.locator("li.trainable").first()).toContainText("Thought:");
  await expect(messages.locator("li.masked").first()).toBeVisible();

  // Tokens under the tiny model's tokenizer (the default, the installed student, may be absent).
  const preview = page.getByRole("region", { name: "Token preview" });
  await preview.getByRole("textbox", { name: "Tokenizer model" }).fill(tinyModel);
  await preview.getByRole("button", { name: "Show" }).click();
  await expect(preview.getByLabel("Trainable fraction")).toContainText(/\d+ of \d+ tokens trainable/, { timeout: 120_000 });
  const tokens = preview.getByLabel("Tokens");
  await expect(tokens.locator(".tok-train").first()).toBeVisible();
  await expect(tokens.locator(".tok-masked").first()).toBeVisible();
  await expect(tokens).toContainText("final_answer(total)");
});

test("download a dataset from its page, then upload the file as a new run from the Datasets page", async ({ page }) => {
  // The server writes exports only under its data directory and reads no path it is given:
  // the browser downloads the file, and an import uploads the file's content.
  await page.goto(`/datasets/${encodeURIComponent(`${DATASET}@1`)}`);
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: `Download ${DATASET}-v1.jsonl` }).click(),
  ]);
  const file = path.join(test.info().outputDir, download.suggestedFilename());
  await download.saveAs(file);
  const lines = fs.readFileSync(file, "utf8").trim().split("\n");
  expect(lines.length).toBeGreaterThan(0);
  expect(JSON.parse(lines[0]!).messages.length).toBeGreaterThan(1);

  await page.goto("/datasets");
  const form = page.getByRole("form", { name: "Import trajectories" });
  await form.getByLabel(/^File/).setInputFiles(file);
  await form.getByLabel(/^Run name/).fill("e2e-reimported");
  await form.getByRole("button", { name: "Import" }).click();
  await expect(form).toContainText(`Imported ${lines.length} of ${lines.length} trajectories into run e2e-reimported`);
});

test("train a student from the Jobs form, watch it succeed with a loss curve, evaluate it and cancel the eval", async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto("/jobs");
  const form = page.getByRole("form", { name: "Train a student" });
  await form.getByLabel("Dataset").selectOption(`${DATASET}@1`);
  await form.getByLabel("Base model").fill(tinyModel);
  await form.getByLabel("Student name").fill("e2e-student");
  await form.getByLabel("Max steps").fill("0");
  // Full fine-tuning has no LoRA settings and its own default learning rate; back to LoRA for this run.
  await form.getByLabel("Fine-tuning").selectOption("full");
  await expect(form.getByLabel("LoRA r")).toHaveCount(0);
  await expect(form.getByLabel("Learning rate")).toHaveAttribute("placeholder", /^2e-5/);
  await form.getByLabel("Fine-tuning").selectOption("lora");
  await expect(form.getByLabel("Learning rate")).toHaveAttribute("placeholder", /^2e-4/);
  await form.getByLabel("LoRA r").fill("4");
  await form.getByLabel("LoRA alpha").fill("8");
  await form.getByLabel("Max length").fill("1024");
  await form.getByRole("button", { name: "Train" }).click();
  await expect(form.getByText(/too small|expected number to be >0/i)).toBeVisible();
  await form.getByLabel("Max steps").fill("2");
  await form.getByRole("button", { name: "Train" }).click();
  const queued = form.getByRole("status");
  await expect(queued).toContainText("student e2e-student");
  await queued.getByRole("link", { name: /job #\d+/ }).click();

  await expect(page.getByRole("heading", { level: 1 })).toContainText("train");
  await expect(page.locator(".job-head .job-status")).toHaveText("succeeded", { timeout: 360_000 });
  const loss = page.getByRole("figure", { name: "Loss curve" });
  await expect(loss.locator(".recharts-line-curve").first()).toBeVisible();
  await expect(page.getByLabel("Log tail")).toContainText("mask verified");
  await expect(page.getByRole("button", { name: "Retry" })).toHaveCount(0);
  const trainJobUrl = page.url();

  // Evaluate the student (SAG off, one question, served from a given URL): the panel links the
  // new run and its job.
  const evaluate = page.getByRole("form", { name: "Evaluate" });
  await evaluate.getByLabel("Benchmark").selectOption("gsm_hard");
  await evaluate.getByLabel("Limit").fill("1");
  await evaluate.getByRole("checkbox", { name: "SAG on" }).uncheck();
  await evaluate.getByLabel("Model URL").fill(slowStub.url);
  await evaluate.getByRole("button", { name: "Evaluate e2e-student" }).click();
  const evalStatus = evaluate.getByRole("status");
  await expect(evalStatus.getByRole("link", { name: "eval-e2e-student-gsm_hard" })).toHaveAttribute(
    "href",
    "/runs/eval-e2e-student-gsm_hard",
  );
  await evalStatus.getByRole("link", { name: /job #\d+/ }).click();

  // Cancel it, then it offers Retry instead.
  await expect(page.getByRole("heading", { level: 1 })).toContainText("eval");
  await page.getByRole("button", { name: "Cancel" }).click();
  await expect(page.locator(".job-head .job-status")).toHaveText("cancelled");
  await expect(page.getByRole("button", { name: "Retry" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Cancel" })).toHaveCount(0);

  await page.goto("/jobs");
  const jobs = page.getByRole("table", { name: "Jobs" });
  await expect(jobs.getByRole("row").filter({ hasText: "e2e-student" }).filter({ hasText: "train" })).toContainText("succeeded");
  await expect(jobs.getByRole("row").filter({ hasText: "eval-e2e-student-gsm_hard" })).toContainText("cancelled");
  await jobs.getByRole("link", { name: `#${trainJobUrl.split("/").pop()}` }).click();
  await expect(page.getByRole("figure", { name: "Loss curve" })).toBeVisible();
});
