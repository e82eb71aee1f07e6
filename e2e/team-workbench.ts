// A second workbench in team mode for a test: DISTILLERY_AUTH_SECRET set, on loopback, on its own
// data directory (made by the caller, e.g. with accounts from the real CLI), served from the
// production build; ready once /api/health says "team".
import { spawn, type ChildProcess } from "node:child_process";
import { expect } from "@playwright/test";

export type TeamWorkbench = { url: string; stop: () => void };

export async function startTeamWorkbench(port: number, dataDir: string): Promise<TeamWorkbench> {
  const url = `http://127.0.0.1:${port}`;
  const server: ChildProcess = spawn("bash", ["scripts/start.sh"], {
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      DISTILLERY_DATA_DIR: dataDir,
      DISTILLERY_AUTH_SECRET: `e2e-team-secret-${port}-e2e-team-secret-0123456`,
    },
    stdio: "ignore",
    detached: true,
  });
  const stop = () => {
    if (server.pid) process.kill(-server.pid, "SIGTERM");
  };
  const mode = async () =>
    (
      await fetch(`${url}/api/health`)
        .then((r) => r.json() as Promise<{ mode?: string }>)
        .catch(() => null)
    )?.mode;
  await expect.poll(mode, { timeout: 120_000 }).toBe("team");
  return { url, stop };
}
