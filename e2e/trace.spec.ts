// The trace viewer end to end (issue 6): runs are generated through the workbench's real API
// (tRPC runs.generate → the server's job loop → agent loop, sandbox, scoring, store) against a
// scripted OpenAI-compatible stub model on loopback — a test double, so every run is the same.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { startStubLlm, type StubRequest, type StubServer } from "../test/stub-llm";
import { distillery } from "./cli";
import { generateRun } from "./trpc";

let stub: StubServer;

const isCot = (req: StubRequest) => req.messages[0]!.content.startsWith("Answer the question by reasoning");
const agentTurns = (req: StubRequest) => req.messages.filter((m) => m.role === "assistant").length;

/** The "model": CoT → a first paragraph for FTP; agent → compute, then answer; SAG → 8 candidates. */
function script(req: StubRequest): string | string[] {
  if (isCot(req)) return "Start from the numbers given in the question.\n\nThen combine them.\n\\boxed{1}";
  const n = req.n ?? 1;
  if (n > 1) {
    if (agentTurns(req) > 0) return ["Thought: answer now\n```py\nfinal_answer(x)\n```"];
    return [
      "Thought: try ten\n```py\nx = 10\nprint(x)\n```",
      "Thought: try eleven\n```py\nx = 11\nprint(x)\n```",
      "Thought: ten again\n```py\nx = 5 + 5\nprint(x)\n```",
      "Thought: this breaks\n```py\nraise ValueError('bad candidate')\n```",
      "Thought: ten once more\n```py\nx = 10\nprint(x)\n```",
      "Thought: eleven again\n```py\nx = 11\nprint(x)\n```",
      "no code block at all",
      "Thought: ten\n```py\nx = 2 * 5\nprint(x)\n```",
    ];
  }
  // FTP runs continue "Thought: <prefix>", so their last message is the assistant's.
  const ftp = req.messages.at(-1)!.role === "assistant";
  if (agentTurns(req) - (ftp ? 1 : 0) === 0) {
    return `${ftp ? " So I add them." : "Thought: add them up."}\n\`\`\`py\ntotal = 3 + 4\nprint(total)\n\`\`\``;
  }
  return "Thought: done\n```py\nfinal_answer(total)\n```";
}

const generate = (request: APIRequestContext, config: Record<string, unknown>) =>
  generateRun(request, { limit: 2, modelUrl: stub.url, ...config });

test.beforeAll(async ({ request }) => {
  test.setTimeout(240_000);
  await distillery("import-benchmarks");
  stub = await startStubLlm(script, { model: "stub-teacher" });
  await generate(request, { run: "e2e-sag", model: "stub-student", role: "student", sag: 8 });
  await generate(request, { run: "e2e-plain", model: "stub-teacher" });
  await generate(request, { run: "e2e-ftp", model: "stub-teacher", ftp: true });
  // The sandbox opt-out: the run records it, and the workbench must say so wherever it is shown.
  await generate(request, { run: "e2e-unsafe", model: "stub-teacher", limit: 1, unsafeNoSandbox: true });
});

test.afterAll(async () => {
  await stub?.close();
});

test("a run started with the sandbox opt-out is marked on its page and on its trajectory", async ({ page }) => {
  await page.goto("/runs/e2e-unsafe");
  await expect(page.getByTestId("unsafe-sandbox")).toContainText("Unsafe sandbox");
  await page.getByRole("table", { name: "Trajectories" }).locator("tbody tr").first().getByRole("link").first().click();
  await expect(page.getByRole("region", { name: "Transcript" })).toContainText("Gold answer");
  await expect(page.getByTestId("unsafe-sandbox")).toContainText("Unsafe sandbox");
  // A run without the opt-out carries no such mark.
  await page.goto("/runs/e2e-plain");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("e2e-plain");
  await expect(page.getByTestId("unsafe-sandbox")).toHaveCount(0);
  // Why its answers are wrong: the stub's code computes 3 + 4 whatever the question asks.
  await page.getByText("Why 2 of 2 answers are wrong").click();
  await expect(page.getByRole("table", { name: "Failure kinds" }).locator("tbody tr")).toHaveText([/wrong code\s*2\s*100%/]);
});

test("open the SAG run from the home page, walk steps with j/k, open a candidate", async ({ page }) => {
  await page.goto("/");
  const runs = page.getByRole("table", { name: "Runs" });
  await expect(runs.getByRole("row").filter({ hasText: "e2e-sag" })).toContainText("×8");
  await runs.getByRole("link", { name: "e2e-sag" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("e2e-sag");
  const rows = page.getByRole("table", { name: "Trajectories" }).locator("tbody tr");
  await expect(rows).toHaveCount(2);
  await rows.first().getByRole("link").first().click();

  const transcript = page.getByRole("region", { name: "Transcript" });
  await expect(transcript).toContainText("Gold answer");
  const step1 = transcript.getByRole("article", { name: "Step 1" });
  const step2 = transcript.getByRole("article", { name: "Step 2" });
  await expect(step1).toBeVisible();
  await page.keyboard.press("j");
  await expect(step2).toHaveAttribute("aria-current", "step");
  await expect(page).toHaveURL(/#step-1$/);
  await page.keyboard.press("k");
  await expect(step1).toHaveAttribute("aria-current", "step");
  await expect(page).toHaveURL(/#step-0$/);

  // The SAG panel of step 1: 8 candidates, votes grouped, the failed ones greyed with their error.
  const candidates = page.getByRole("region", { name: "Candidates" });
  await expect(candidates.getByRole("button", { name: /^Candidate/ })).toHaveCount(8);
  await expect(candidates.getByText("4 votes")).toBeVisible();
  await expect(candidates.getByText(/ValueError: bad candidate/)).toBeVisible();
  await expect(candidates.getByRole("button", { name: /chosen/ })).toHaveCount(1);
  await candidates.getByRole("button", { name: "Candidate 2", exact: true }).click();
  const editor = page.locator(".monaco-pane");
  await expect(editor).toHaveAttribute("data-kind", "diff");
  await expect(editor).toHaveAttribute("data-ready", "true");
  await expect(editor.locator(".monaco-diff-editor")).toBeVisible();

  // A deep link opens the page focused on its step.
  await page.goto(page.url().replace(/#.*$/, "#step-1"));
  await expect(step2).toHaveAttribute("aria-current", "step");
});

test("compare FTP side by side, then reject a trajectory with a reason and see it after a reload", async ({ page }) => {
  await page.goto("/runs/e2e-plain");
  await page.getByRole("table", { name: "Trajectories" }).locator("tbody tr").first().getByRole("link").first().click();
  await page.getByRole("button", { name: "Compare FTP" }).click();
  const compare = page.getByRole("region", { name: "FTP comparison" });
  await expect(compare).toContainText("Without FTP");
  await expect(compare).toContainText("With FTP");
  await expect(compare.getByText("First divergence")).toBeVisible();
  await expect(compare.locator("mark.ftp-prefix")).toHaveText("Start from the numbers given in the question.");
  await page.getByRole("button", { name: "Compare FTP" }).click();

  const transcript = page.getByRole("region", { name: "Transcript" });
  await page.getByRole("textbox", { name: "Annotator name" }).fill("e2e-annotator");
  await page.getByRole("textbox", { name: "Annotator name" }).press("Enter");
  await page.getByRole("button", { name: /^Reject/ }).click();
  await page.getByRole("radio", { name: "Bad code" }).check();
  await page.getByRole("textbox", { name: /Note/ }).fill("prints instead of reasoning");
  await page.getByRole("button", { name: "Save rejection" }).click();
  await expect(transcript.getByLabel("Verdict", { exact: true })).toContainText("Rejected · Bad code");
  await page.reload();
  await expect(transcript.getByLabel("Verdict", { exact: true })).toContainText("Rejected · Bad code");
  await expect(transcript.getByLabel("Verdict", { exact: true })).toContainText("by e2e-annotator");

  // The verdict is a list column and a filter.
  await page.goto("/runs/e2e-plain?verdict=reject");
  await expect(page.getByRole("table", { name: "Trajectories" }).locator("tbody tr")).toHaveCount(1);
});

test("the review queue accepts with a, counts progress and undoes with u", async ({ page }) => {
  await page.goto("/annotate?run=e2e-ftp");
  const progress = page.getByLabel("Progress");
  await expect(progress).toHaveText("1 of 2 · 0 reviewed");
  await expect(page.getByRole("region", { name: "Transcript" })).toBeVisible();
  await page.keyboard.press("a");
  await expect(progress).toHaveText("2 of 2 · 1 reviewed");
  await page.keyboard.press("u");
  await expect(progress).toHaveText("1 of 2 · 0 reviewed");
  // Shortcuts are off while typing.
  await page.getByRole("textbox", { name: "Annotator name" }).press("a");
  await expect(progress).toHaveText("1 of 2 · 0 reviewed");
});
