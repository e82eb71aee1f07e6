// Team mode in a real browser: a second workbench with DISTILLERY_AUTH_SECRET set (on loopback,
// its own data directory), an account made by the real CLI before it starts. Visiting a page
// sends the browser to sign in, the session cookie then carries every API call, a request
// without it is refused, and signing out ends the session.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, request, test } from "@playwright/test";
import { runCli } from "../test/cli";
import { startTeamWorkbench, type TeamWorkbench } from "./team-workbench";

const PORT = 3231;
const BASE = `http://127.0.0.1:${PORT}`;
let dataDir: string;
let workbench: TeamWorkbench | undefined;
let password = "";

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "distillery-e2e-team-"));
  const added = await runCli(dataDir, ["users", "add", "alice", "--role", "annotator"]);
  expect(added.status, added.stderr).toBe(0);
  password = /One-time password, shown only now:\s+(\S+)/.exec(added.stdout)![1]!;
  workbench = await startTeamWorkbench(PORT, dataDir);
});

test.afterAll(async () => {
  workbench?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("a page sends the browser to sign in; the session then carries the API; signing out ends it", async ({ page }) => {
  await page.goto(`${BASE}/annotate`);
  await expect(page).toHaveURL(`${BASE}/sign-in?next=%2Fannotate`);
  await page.getByLabel("User name").fill("alice");
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.locator(".sign-in-form").getByRole("alert")).toHaveText("Wrong user name or password.");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${BASE}/annotate`);
  await expect(page.locator(".account")).toContainText("alice (annotator)");

  // The cookie is the session: the same API call without it is refused.
  const me = await page.request.get(`${BASE}/api/trpc/users.me`);
  expect(((await me.json()) as { result: { data: { json: { name: string } } } }).result.data.json.name).toBe("alice");
  const stranger = await request.newContext();
  expect((await stranger.get(`${BASE}/api/trpc/users.me`, { headers: { "x-distillery-user": "alice" } })).status()).toBe(401);
  await stranger.dispose();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(`${BASE}/sign-in`);
  expect((await page.request.get(`${BASE}/api/trpc/users.me`)).status()).toBe(401);
});

test("before the page has hydrated, the sign-in form cannot be submitted (a browser's own submit would put the password in the URL)", async ({
  browser,
}) => {
  // Without JavaScript the page is what a browser shows before hydration: the server's HTML.
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${BASE}/sign-in`);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeDisabled();
  await expect(page.locator("form.sign-in-form")).toHaveAttribute("method", "post");
  await context.close();
});
