// Adds up the counts of every test runner's report into one closing line: "N passed, N failed, N skipped".
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2];
const read = (name) => {
  const file = path.join(dir, name);
  return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
};
const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
const add = (runner, passed, failed, skipped) => {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  lines.push(`${runner.padEnd(11)} ${passed} passed, ${failed} failed, ${skipped} skipped`);
};

const vitest = read("vitest.json");
if (vitest) {
  const r = JSON.parse(vitest);
  add("vitest", r.numPassedTests, r.numFailedTests, r.numPendingTests + r.numTodoTests);
} else lines.push("vitest      no report (did not run)");

const pytest = read("pytest.xml");
if (pytest) {
  const attr = (name) => Number(new RegExp(`<testsuite[^>]*\\b${name}="(\\d+)"`).exec(pytest)?.[1] ?? 0);
  const tests = attr("tests"), failures = attr("failures") + attr("errors"), skipped = attr("skipped");
  add("pytest", tests - failures - skipped, failures, skipped);
} else lines.push("pytest      no report (did not run)");

const playwright = read("playwright.json");
if (playwright) {
  const s = JSON.parse(playwright).stats;
  add("playwright", s.expected + s.flaky, s.unexpected, s.skipped);
} else lines.push("playwright  no report (did not run)");

console.log("\n" + lines.join("\n"));
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
