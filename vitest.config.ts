import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    environment: "node",
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", ".next/**", "e2e/**", "worker/**", ".venv/**"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real processes (PGlite, Python workers); two cores, so keep it modest.
    maxWorkers: 2,
  },
});
