import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { findRepoRoot, repoRoot } from "./root";

describe("repoRoot", () => {
  it("is the checkout this module lives in, wherever the process was started", () => {
    expect(repoRoot()).toBe(path.resolve(__dirname, "..", ".."));
  });

  it("is found from a directory deep inside a checkout, and not outside one", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "checkout-"));
    mkdirSync(path.join(root, "worker", "distillery_worker"), { recursive: true });
    writeFileSync(path.join(root, "worker", "distillery_worker", "__init__.py"), "");
    writeFileSync(path.join(root, "package.json"), "{}");
    const deep = path.join(root, "server", "worker");
    mkdirSync(deep, { recursive: true });
    expect(findRepoRoot(deep)).toBe(root);
    expect(() => findRepoRoot(os.tmpdir())).toThrow(/no Distillery checkout/);
  });
});
