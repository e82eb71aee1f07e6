// Review as a team, in real browsers: a team-mode workbench (its own data directory, accounts made
// by the real CLI, three trajectories answered through the real CLI by a scripted stub model on
// loopback). A researcher makes a blind queue that needs two annotators per item; two annotators,
// each in a browser context of their own, review the same items with the keyboard without seeing
// each other's verdicts; the agreement table appears; the researcher adjudicates the one
// disagreement, then bulk-rejects everything and undoes the whole batch.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { runCli, seedStubDataset } from "../test/cli";
import { startTeamWorkbench, type TeamWorkbench } from "./team-workbench";

const PORT = 3232;
const BASE = `http://127.0.0.1:${PORT}`;
let dataDir: string;
let workbench: TeamWorkbench | undefined;
const passwords: Record<string, string> = {};

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-e2e-review-"));
  await seedStubDataset(dataDir, { limit: 3 });
  for (const [name, role] of [
    ["lead", "researcher"],
    ["ann", "annotator"],
    ["bob", "annotator"],
  ] as const) {
    const added = await runCli(dataDir, ["users", "add", name, "--role", role]);
    expect(added.status, added.stderr).toBe(0);
    passwords[name] = /One-time password, shown only now:\s+(\S+)/.exec(added.stdout)![1]!;
  }
  workbench = await startTeamWorkbench(PORT, dataDir);
});

test.afterAll(async () => {
  workbench?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function signedIn(browser: Browser, name: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${BASE}/sign-in`);
  await page.getByLabel("User name").fill(name);
  await page.getByLabel("Password").fill(passwords[name]!);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".account")).toContainText(name);
  return page;
}

/** Give verdicts with the keyboard to every item the queue has for this annotator, in order. */
async function review(page: Page, queueUrl: string, keys: string[][], hiddenBefore: number[]) {
  await page.goto(queueUrl);
  for (const [i, strokes] of keys.entries()) {
    const review = page.getByRole("region", { name: "Review" });
    await expect(review.getByLabel("Left for you")).toHaveText(`${keys.length - i} left for you`);
    await expect(review.getByRole("region", { name: "Transcript" })).toContainText("Gold answer");
    // Blind: the others' verdicts are counted, never shown, until one's own is in.
    await expect(review.getByLabel("Other verdicts")).toContainText(`Blind: ${hiddenBefore[i]} other verdict`);
    for (const key of strokes) await page.keyboard.press(key);
  }
  await expect(page.getByText("Nothing left for you in this queue.")).toBeVisible();
}

test("two annotators review one blind queue; agreement, adjudication, and a bulk reject undone", async ({ browser }) => {
  test.setTimeout(240_000);
  const lead = await signedIn(browser, "lead");
  await lead.goto(`${BASE}/review`);
  await lead.getByText("New review queue…").click();
  const form = lead.getByRole("form", { name: "New review queue" });
  await form.getByLabel("Name", { exact: true }).fill("pair-review");
  await expect(form.getByLabel(/Blind/)).toBeChecked(); // the default with two annotators per item
  await form.getByRole("button", { name: "Create with 3 trajectories" }).click();
  await expect(lead).toHaveURL(/\/review\/\d+$/);
  const queueUrl = lead.url();

  const ann = await signedIn(browser, "ann");
  const bob = await signedIn(browser, "bob");
  // Ann accepts, rejects with reason 1 (r then 1), accepts; Bob accepts all three.
  await review(ann, queueUrl, [["a"], ["r", "1"], ["a"]], [0, 0, 0]);
  await review(bob, queueUrl, [["a"], ["a"], ["a"]], [1, 1, 1]);
  // Once his own verdict is in, Bob sees Ann's on an item he opens.
  const agreementOfBob = bob.getByRole("region", { name: "Agreement" });
  await bob.reload();
  await agreementOfBob.getByRole("link", { name: "open in the queue" }).click();
  await expect(bob.getByLabel("Other verdicts")).toContainText("ann");
  await expect(bob.getByLabel("Other verdicts")).toContainText("Wrong answer");

  await lead.reload();
  await expect(lead.getByLabel("Queue progress")).toContainText("3 of 3 items complete");
  const agreement = lead.getByRole("region", { name: "Agreement" });
  await expect(agreement.getByRole("table", { name: "Agreement per pair" }).getByRole("row", { name: /ann · bob/ })).toContainText("66.7%");
  const disputed = agreement.getByRole("list", { name: "Disagreements" }).locator(":scope > li");
  await expect(disputed).toHaveCount(1);
  await disputed.getByRole("button", { name: "Final: reject" }).click();
  await expect(disputed).toContainText("Final: reject by lead");

  // Bulk reject every trajectory, then undo the whole batch.
  await lead.goto(`${BASE}/annotate`);
  await lead.getByText("Bulk verdict on this filter…").click();
  const bulk = lead.getByRole("form", { name: "Bulk verdict" });
  await bulk.getByLabel("Note for the batch").fill("e2e: everything out");
  await bulk.getByRole("button", { name: "Reject all 3" }).click();
  await expect(lead.getByRole("status")).toContainText("rejected 3 trajectories");
  const batches = lead.getByRole("table", { name: "Recent bulk verdicts" });
  await batches.getByRole("button", { name: /Undo batch/ }).click();
  await expect(batches).toContainText("undone by lead");

  // The audit of the disputed trajectory tells the whole story, newest first.
  await lead.goto(`${BASE}/trajectories/${await disputedId(queueUrl, lead)}`);
  await lead.getByText(/Verdict history/).click();
  const history = lead.getByRole("list", { name: "Verdict history" }).getByRole("listitem");
  await expect(history.nth(0)).toContainText("lead bulk undone");
  await expect(history.nth(1)).toContainText("lead bulk verdict");
  await expect(history.nth(2)).toContainText("lead final ruling");
});

/** The trajectory Ann rejected: the queue's second item. */
async function disputedId(queueUrl: string, page: Page): Promise<number> {
  const id = Number(/\/review\/(\d+)$/.exec(queueUrl)![1]);
  const response = await page.request.get(
    `${BASE}/api/trpc/review.agreement?input=${encodeURIComponent(JSON.stringify({ json: { id } }))}`,
  );
  const body = (await response.json()) as { result: { data: { json: { disagreements: { trajectoryId: number }[] } } } };
  return body.result.data.json.disagreements[0]!.trajectoryId;
}
