// Adds up the counts of every test runner's report into one closing line: "N passed, N failed, N skipped".
// Usage: node scripts/test-summary.mjs REPORTS_DIR RUNNER... — the runners the caller ran (below), so a
// tier that died before writing its report shows as "no report" instead of being left out.
import fs from "node:fs";
import path from "node:path";

const [dir, ...runners] = process.argv.slice(2);

const countVitest = (text) => {
  const r = JSON.parse(text);
  return [r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests];
};
const countJunit = (text) => {
  const attr = (name) => Number(new RegExp(`<testsuite[^>]*\\b${name}="(\\d+)"`).exec(text)?.[1] ?? 0);
  const tests = attr("tests"),
    failures = attr("failures") + attr("errors"),
    skipped = attr("skipped");
  return [tests - failures - skipped, failures, skipped];
};
const countPlaywright = (text) => {
  const s = JSON.parse(text).stats;
  return [s.expected + s.flaky, s.unexpected, s.skipped];
};

// Runner (as named in the summary) → its report file in REPORTS_DIR and how to count it.
const REPORTS = {
  vitest: ["vitest.json", countVitest],
  pytest: ["pytest.xml", countJunit],
  "pytest (unprivileged)": ["pytest-unprivileged.xml", countJunit],
  playwright: ["playwright.json", countPlaywright],
};

const totals = { passed: 0, failed: 0, skipped: 0 };
const width = Math.max(...runners.map((runner) => runner.length)) + 1;
const lines = [];
for (const runner of runners) {
  if (!REPORTS[runner]) throw new Error(`test-summary: unknown runner '${runner}' (known: ${Object.keys(REPORTS).join(", ")})`);
  const [file, count] = REPORTS[runner];
  const report = path.join(dir, file);
  if (!fs.existsSync(report)) {
    lines.push(`${runner.padEnd(width)} no report (did not run)`);
    continue;
  }
  const [passed, failed, skipped] = count(fs.readFileSync(report, "utf8"));
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  lines.push(`${runner.padEnd(width)} ${passed} passed, ${failed} failed, ${skipped} skipped`);
}

console.log("\n" + lines.join("\n"));
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
