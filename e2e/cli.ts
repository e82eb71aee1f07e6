// Runs the real CLI against the e2e server's data dir; with the server up, the CLI goes through
// its API (the server holds the embedded database).
import { execFileSync } from "node:child_process";
import { e2eDataDir } from "../playwright.config";

export function distillery(...args: string[]): string {
  return execFileSync("node", ["bin/distillery.mjs", ...args], {
    env: { ...process.env, DISTILLERY_DATA_DIR: e2eDataDir, DATABASE_URL: "" },
    encoding: "utf8",
  });
}
