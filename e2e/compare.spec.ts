// The compare page end to end (issue 8): two runs are generated through the real CLI, which goes
// through the running workbench's API (its job loop, agent loop, sandbox, scoring, store), against
// a scripted OpenAI-compatible stub model on loopback; then /compare charts them and exports CSV/PNG.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { startStubLlm, type StubRequest, type StubServer } from "../test/stub-llm";
import { distillery } from "./cli";

let stub: StubServer;

/**
 * The "model": it solves the first GSM-Hard question (218983 apples × 2 people × 30 days) and gets
 * the others wrong, so each run scores 1 of 3 (the model "stub-zero" gets all three wrong). Plain agent → compute, then answer; SAG → four
 * candidates per step: two agree, one is off by one, one fails to execute.
 */
function script(req: StubRequest): string | string[] {
  const solvable = req.model !== "stub-zero" && req.messages.some((m) => m.content.includes("Marin and his neighbor"));
  const expr = solvable ? "218983 * 2 * 30" : "3 + 4";
  const answered = req.messages.some((m) => m.role === "assistant");
  if ((req.n ?? 1) > 1) {
    if (answered) return ["Thought: answer now\n```py\nfinal_answer(x)\n```"];
    return [
      `Thought: compute\n\`\`\`py\nx = ${expr}\nprint(x)\n\`\`\``,
      `Thought: compute again\n\`\`\`py\nx = (${expr})\nprint(x)\n\`\`\``,
      "Thought: this breaks\n```py\nraise ValueError('bad candidate')\n```",
      `Thought: off by one\n\`\`\`py\nx = ${expr} + 1\nprint(x)\n\`\`\``,
    ];
  }
  if (!answered) return `Thought: compute.\n\`\`\`py\ntotal = ${expr}\nprint(total)\n\`\`\``;
  return "Thought: done\n```py\nfinal_answer(total)\n```";
}

async function generate(...args: string[]) {
  await distillery("generate", "--benchmark", "gsm_hard", "--limit", "3", "--model-url", stub.url, ...args);
}

async function downloadText(page: Page, region: string, button: "Export CSV" | "Export PNG") {
  const card = page.getByRole("region", { name: region });
  const [download] = await Promise.all([page.waitForEvent("download"), card.getByRole("button", { name: button }).click()]);
  return { name: download.suggestedFilename(), bytes: fs.readFileSync((await download.path())!) };
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  await distillery("import-benchmarks");
  stub = await startStubLlm(script, { model: "stub" });
  // cmp-A and cmp-B: one student model evaluated two ways, so the matrix has one block of rows.
  await generate("--run", "cmp-A", "--model", "stub-student", "--tags", "method:agent", "--tags", "experiment:e2e-cmp");
  await generate(
    "--run",
    "cmp-B",
    "--model",
    "stub-student",
    "--role",
    "student",
    "--sag",
    "4",
    "--tags",
    "method:agent-ftp-sag",
    "--tags",
    "experiment:e2e-cmp",
  );
  // An untrained student (no method tag) that scores 0 of 3.
  // Tagged with a longer experiment name that starts with the other's: not one of e2e-cmp's runs.
  await generate("--run", "cmp-Z", "--model", "stub-zero", "--role", "student", "--tags", "experiment:e2e-cmp-other");
});

test.afterAll(async () => {
  await stub?.close();
});

test("pick two runs, see every chart, export the accuracy CSV and a PNG", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Compare" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Compare runs");
  await page.getByRole("checkbox", { name: "cmp-A" }).check();
  await page.getByRole("checkbox", { name: "cmp-B" }).check();
  await expect(page).toHaveURL(/\/compare\?runs=cmp-A,cmp-B$/);

  // The selection is the URL: a reload (or a shared link) shows the same comparison.
  await page.reload();
  await expect(page.getByRole("checkbox", { name: "cmp-B" })).toBeChecked();
  for (const title of ["Accuracy per benchmark", "Method matrix", "Teacher FTP vs no FTP", "SAG on vs off", "Tokens per question"]) {
    await expect(page.getByRole("region", { name: title }).locator("svg.recharts-surface").first()).toBeVisible();
  }
  const matrix = page.getByRole("table", { name: "Method matrix" });
  const matrixRow = (method: string) => matrix.locator("tr", { has: page.getByRole("rowheader", { name: method, exact: true }) });
  await expect(matrixRow("Agent distill")).toContainText("33.3%");
  await expect(matrixRow("Agent distill")).toContainText("n=3");
  await expect(matrixRow("Agent distill + FTP + SAG")).toContainText("n=3");
  await expect(matrixRow("CoT distill")).toContainText("—");
  await expect(page.getByRole("region", { name: "SAG on vs off" })).toContainText("cmp-B (SAG ×4)");
  await expect(page.getByRole("region", { name: "Training loss" })).toContainText("No train job linked");

  const csv = await downloadText(page, "Accuracy per benchmark", "Export CSV");
  expect(csv.name).toBe("accuracy-per-benchmark.csv");
  const lines = csv.bytes.toString("utf8").trim().split("\r\n");
  expect(lines[0]).toBe("run,benchmark,n,correct,accuracy,ciLow,ciHigh,served");
  expect(lines.slice(1).map((l) => l.split(",").slice(0, 4).join(","))).toEqual(["cmp-A,gsm_hard,3,1", "cmp-B,gsm_hard,3,1"]);
  // Wilson 95% for 1/3; served empty: these runs were made against an endpoint of their own.
  expect(lines[1]).toMatch(/^cmp-A,gsm_hard,3,1,0\.333333333333,0\.06\d*,0\.79\d*,$/);

  const matrixCsv = (await downloadText(page, "Method matrix", "Export CSV")).bytes.toString("utf8");
  expect(matrixCsv).toContain("Agent distill + FTP + SAG,gsm_hard,3,1,0.333333333333,");

  const png = await downloadText(page, "SAG on vs off", "Export PNG");
  expect(png.name).toBe("sag-on-vs-off.png");
  expect(png.bytes.subarray(1, 4).toString("ascii")).toBe("PNG");
  expect(png.bytes.length).toBeGreaterThan(2000);
});

test("a 0% bar keeps its Wilson whisker, and an untrained student gets a row of its own", async ({ page }) => {
  await page.goto("/compare?runs=cmp-A,cmp-Z");
  const accuracy = page.getByRole("region", { name: "Accuracy per benchmark" });
  // One whisker per bar: cmp-A at 1/3 and cmp-Z at 0/3, whose interval still reaches 56%.
  await expect(accuracy.locator(".recharts-errorBar")).toHaveCount(2);
  const matrix = page.getByRole("table", { name: "Method matrix" });
  const row = matrix.locator("tr", { has: page.getByRole("rowheader", { name: "Untrained student, agent prompt", exact: true }) });
  await expect(row).toContainText("0.0%");
  await expect(row).toContainText("n=3");
  // Two student models (stub-student, stub-zero): each has its block of rows, named in a Student column.
  await expect(matrix.getByRole("columnheader", { name: "Student" })).toBeVisible();
  await expect(row).toContainText("stub-zero");
  // Two rows (Agent distill, the untrained student) × two columns (gsm_hard, Average): four bars,
  // two of them at 0%, each with its whisker.
  await expect(page.getByRole("region", { name: "Method matrix" }).locator(".recharts-errorBar")).toHaveCount(4);
});

test("scripts/compare-charts.ts saves a recipe's charts through the same export buttons", async ({ baseURL }) => {
  // Both runs are tagged experiment:e2e-cmp: the script takes exactly those (not cmp-Z, tagged
  // experiment:e2e-cmp-other); the accuracy CSV shows which it picked.
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-charts-"));
  const script = ["tsx", "scripts/compare-charts.ts", "--url", baseURL!, "--out", out];
  const result = spawnSync("npx", [...script, "--experiment", "e2e-cmp"], { encoding: "utf8", timeout: 120_000 });
  expect(result.status, result.stderr).toBe(0);
  const accuracy = fs.readFileSync(path.join(out, "accuracy-per-benchmark.csv"), "utf8");
  expect(accuracy).toMatch(/^cmp-A,/m);
  expect(accuracy).toMatch(/^cmp-B,/m);
  expect(accuracy).not.toMatch(/^cmp-Z,/m);
  const files = fs.readdirSync(out).sort();
  expect(files).toEqual(
    expect.arrayContaining(["accuracy-per-benchmark.csv", "accuracy-per-benchmark.png", "method-matrix.png", "sag-on-vs-off.csv"]),
  );
  expect(fs.readFileSync(path.join(out, "method-matrix.png")).subarray(1, 4).toString("ascii")).toBe("PNG");
  expect(result.stdout).toContain("Training loss: nothing to export");

  const missing = spawnSync("npx", [...script, "--experiment", "no-such-recipe"], { encoding: "utf8", timeout: 120_000 });
  expect(missing.status).toBe(1);
  expect(missing.stderr).toContain("error: no run is tagged experiment:no-such-recipe");
  fs.rmSync(out, { recursive: true, force: true });
});
