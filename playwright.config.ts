// e2e tests run Debian's Chromium (e2e/chromium.ts) against the production build served by
// `npm start` on a throwaway database.
import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";
import { chromiumLaunchOptions } from "./e2e/chromium";

const port = Number(process.env.E2E_PORT ?? 3210);
export const e2eDataDir = path.join(os.tmpdir(), `distillery-e2e-${port}`);

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    launchOptions: chromiumLaunchOptions,
  },
  webServer: {
    command: `rm -rf ${e2eDataDir} && bash scripts/start.sh`,
    url: `http://127.0.0.1:${port}/api/health`,
    timeout: 120_000,
    reuseExistingServer: false,
    env: { PORT: String(port), HOST: "127.0.0.1", DISTILLERY_DATA_DIR: e2eDataDir },
  },
});
