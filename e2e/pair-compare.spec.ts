// Any two trajectories side by side (the pair view): a teacher's and a SAG student's answer to the
// same question, generated through the workbench's API against a scripted stub model on loopback,
// reached from the trajectory page's "Compare with…" and by URL.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { startStubLlm, type StubRequest, type StubServer } from "../test/stub-llm";
import { distillery } from "./cli";
import { generateRun } from "./trpc";

let stub: StubServer;

const agentTurns = (req: StubRequest) => req.messages.filter((m) => m.role === "assistant").length;
const add = "Thought: add them up.\n```py\ntotal = 3 + 4\nprint(total)\n```";

/** Both models add 3 + 4 first; then the teacher answers the sum and the student (SAG ×4) one more. */
function script(req: StubRequest): string | string[] {
  if (req.model === "stub-pair-student") {
    if (agentTurns(req) === 0) return [add, add, "Thought: this breaks\n```py\nraise ValueError('bad candidate')\n```", add];
    return Array(4).fill("Thought: one more to be safe\n```py\nfinal_answer(total + 1)\n```");
  }
  return agentTurns(req) === 0 ? add : "Thought: done\n```py\nfinal_answer(total)\n```";
}

const generate = (request: APIRequestContext, config: Record<string, unknown>) =>
  generateRun(request, { limit: 1, modelUrl: stub.url, ...config });

test.beforeAll(async ({ request }) => {
  test.setTimeout(240_000);
  await distillery("import-benchmarks");
  stub = await startStubLlm(script, { model: "stub-pair-teacher" });
  await generate(request, { run: "e2e-pair-teacher", model: "stub-pair-teacher" });
  await generate(request, { run: "e2e-pair-student", model: "stub-pair-student", role: "student", sag: 4 });
});

test.afterAll(async () => {
  await stub?.close();
});

test("compare a teacher's and a student's trajectory of the same question, from the picker and by id", async ({ page }) => {
  await page.goto("/runs/e2e-pair-teacher");
  await page.getByRole("table", { name: "Trajectories" }).locator("tbody tr").first().getByRole("link").first().click();
  await expect(page.getByRole("region", { name: "Transcript" })).toContainText("Gold answer");
  const teacherId = Number(/\/trajectories\/(\d+)/.exec(page.url())![1]);

  // The picker lists the same question's other trajectories.
  await page.getByRole("button", { name: "Compare with…" }).click();
  const picker = page.getByRole("region", { name: "Compare with" });
  const row = picker.getByRole("row").filter({ hasText: "e2e-pair-student" });
  await expect(row).toContainText("student · stub-pair-student");
  await expect(row).toContainText("8");
  await row.getByRole("link", { name: "e2e-pair-student" }).click();
  await expect(page).toHaveURL(new RegExp(`/trajectories/compare\\?a=${teacherId}&b=\\d+$`));
  const studentId = Number(new URL(page.url()).searchParams.get("b"));

  // Both headers, the steps aligned, the first divergence marked at step 2.
  const compare = page.getByRole("region", { name: "Trajectory comparison" });
  await expect(compare.getByLabel("A: e2e-pair-teacher")).toContainText("final answer 7");
  await expect(compare.getByLabel("B: e2e-pair-student")).toContainText("final answer 8");
  await expect(compare.getByLabel("B: e2e-pair-student")).toContainText("stub-pair-student");
  await expect(compare).toContainText("They part at step 2: the thoughts differ. The final answers differ.");
  const marks = compare.getByRole("note", { name: "first divergence" });
  await expect(marks).toHaveCount(1);
  await expect(page.locator('[data-step="1"]').getByRole("note", { name: "first divergence" })).toBeVisible();
  // The student's SAG candidates and the failed one's error stay visible per step.
  const studentStep1 = compare.getByLabel("B step 1", { exact: true });
  await studentStep1.getByText("SAG 3/4").click();
  await expect(studentStep1).toContainText("3 votes");
  await expect(studentStep1).toContainText("ValueError: bad candidate");

  // Swapping puts the student on the left.
  await page.getByRole("link", { name: "⇄ Swap sides" }).click();
  await expect(page).toHaveURL(new RegExp(`a=${studentId}&b=${teacherId}$`));
  await expect(page.getByLabel("A: e2e-pair-student")).toBeVisible();

  // Any trajectory by id, from the picker's field; a missing one is refused with a clear line.
  await page.goto(`/trajectories/${studentId}`);
  await page.getByRole("button", { name: "Compare with…" }).click();
  await page.getByRole("spinbutton", { name: "Any trajectory by id" }).fill(String(teacherId));
  await page.getByRole("button", { name: "Compare", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`a=${studentId}&b=${teacherId}$`));
  await expect(page.getByLabel("B: e2e-pair-teacher")).toBeVisible();
  await page.goto(`/trajectories/compare?a=${teacherId}&b=999999`);
  await expect(page.getByText("b: no trajectory 999999")).toBeVisible();
});
