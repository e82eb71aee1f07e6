// The real CLI against the e2e server's data dir; with the server up, the CLI goes through its
// API (the server holds the embedded database). Fails the test on a non-zero exit.
import { e2eDataDir } from "../playwright.config";
import { runCli } from "../test/cli";

export async function distillery(...args: string[]): Promise<string> {
  const result = await runCli(e2eDataDir, args);
  if (result.status !== 0) throw new Error(`distillery ${args.join(" ")} exited ${result.status}: ${result.stderr}`);
  return result.stdout;
}
