// Saves every chart of the compare page for some runs, as the page's own "Export PNG" and
// "Export CSV" buttons give them, into a folder: the figures of a report (the README's cpu-repro
// section) come from the same code a user clicks. Needs a running workbench (`npm start`).
//   npx tsx scripts/compare-charts.ts --out docs/cpu-repro [--url http://127.0.0.1:3000] RUN...
//   npx tsx scripts/compare-charts.ts --out docs/cpu-repro --experiment cpu-repro   (the runs tagged
//   experiment:NAME exactly, as `distillery compare --experiment` takes them: the page's filter
//   matches substrings, and experiment:cpu-distill would also take experiment:cpu-distill-arith)
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { chromium, type Browser, type Page } from "@playwright/test";
import { chromiumLaunchOptions } from "../e2e/chromium";
import { httpApi } from "../server/client/api";
import { waitForWorkbench } from "../server/client/health";

const { values: flags, positionals: runs } = parseArgs({
  allowPositionals: true,
  options: { url: { type: "string", default: "http://127.0.0.1:3000" }, out: { type: "string" }, experiment: { type: "string" } },
});
if (!flags.out || (runs.length === 0) === !flags.experiment) {
  console.error("usage: npx tsx scripts/compare-charts.ts --out DIR [--url URL] (RUN... | --experiment NAME)");
  process.exit(2);
}
const outDir = path.resolve(flags.out);
fs.mkdirSync(outDir, { recursive: true });

/** Opens the compare page on the runs and waits until every chart has loaded. */
async function openCompare(browser: Browser): Promise<Page> {
  const page = await browser.newPage({ acceptDownloads: true, viewport: { width: 1400, height: 1000 } });
  await page.goto(`${flags.url}/compare?runs=${runs.map(encodeURIComponent).join(",")}`);
  // Charts 1–5 arrive with one query, the loss chart with its own: wait for both before reading
  // the list of cards (it grows while they load).
  await page.getByRole("region", { name: "Accuracy per benchmark" }).or(page.locator("p.error")).first().waitFor();
  const errors = await page.locator("p.error").allTextContents();
  if (errors.length) throw new Error(errors.join("; "));
  await page.waitForFunction(() => !/Loading [^…]*…/.test(document.querySelector("main")?.textContent ?? ""));
  return page;
}

/** Clicks one card's two export buttons and saves what they download. */
async function saveChart(page: Page, title: string) {
  const card = page.getByRole("region", { name: title, exact: true });
  for (const name of ["Export CSV", "Export PNG"]) {
    const button = card.getByRole("button", { name });
    if (await button.isDisabled()) {
      console.log(`${title}: nothing to export (${name})`);
      continue;
    }
    const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
    const file = path.join(outDir, download.suggestedFilename());
    await download.saveAs(file);
    console.log(`${title}: ${path.relative(process.cwd(), file)}`);
  }
}

// The workbench may still be starting (`npm start &` just before): give it a minute.
if (!(await waitForWorkbench(flags.url, 60_000))) {
  console.error(`error: no workbench answers at ${flags.url} (start one with npm start)`);
  process.exit(1);
}
if (flags.experiment) {
  const tag = `experiment:${flags.experiment}`;
  runs.push(...(await httpApi(flags.url!).runs.list.query()).filter((r) => r.tags.includes(tag)).map((r) => r.name));
  if (runs.length === 0) {
    console.error(`error: no run is tagged ${tag}`);
    process.exit(1);
  }
}
const browser = await chromium.launch(chromiumLaunchOptions);
try {
  const first = await openCompare(browser);
  const titles = await first.locator("section.chart-card").evaluateAll((cards) => cards.map((c) => c.getAttribute("aria-label") ?? ""));
  await first.close();
  // One tab per chart: with all six charts in one tab, Debian's Chromium dropped the eleventh
  // download (the loss chart's CSV) without an error, and the script waited in vain.
  for (const title of titles) {
    const page = await openCompare(browser);
    await saveChart(page, title);
    await page.close();
  }
} catch (err) {
  console.error(`error: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
