import { expect, test } from "@playwright/test";
import { distillery } from "./cli";

test.beforeAll(async () => {
  // Through the running server's API: the CLI must not fight it for the embedded database.
  await distillery("import-benchmarks");
});

test("home page lists every benchmark with kind, split and question count", async ({ page }) => {
  await page.goto("/");
  const table = page.getByRole("table", { name: "Benchmarks" });
  await expect(table.getByRole("row")).toHaveCount(12); // header + 11 benchmarks
  const gsm = table.getByRole("row").filter({ hasText: "GSM-Hard" });
  await expect(gsm).toContainText("math");
  await expect(gsm).toContainText("test");
  await expect(gsm).toContainText("500");
});

test("a benchmark page pages and searches its questions on the server", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "GSM-Hard" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("GSM-Hard");
  const rows = page.getByRole("table", { name: "Questions" }).locator("tbody tr");
  await expect(rows).toHaveCount(50);
  await expect(page.getByText("Page 1 of 10")).toBeVisible();

  await page.getByRole("button", { name: "Next →" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByText("Page 2 of 10")).toBeVisible();
  await expect(rows.first().locator("td").first()).toHaveText("51");

  await page.getByRole("searchbox", { name: "Search questions" }).fill("Janet");
  await expect(page).toHaveURL(/q=Janet/);
  await expect(page.getByText("Page 1 of 1")).toBeVisible();
  // Every row shown once the filtered page has replaced the previous one mentions Janet.
  await expect
    .poll(async () => {
      const texts = await rows.allInnerTexts();
      return texts.length > 0 && texts.every((t) => /janet/i.test(t));
    })
    .toBe(true);
  const count = await rows.count();

  // The URL holds the state: a reload shows the same filtered page.
  await page.reload();
  await expect(page.getByRole("searchbox", { name: "Search questions" })).toHaveValue("Janet");
  await expect(rows).toHaveCount(count);
});
