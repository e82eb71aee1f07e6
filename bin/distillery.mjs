#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so the CLI shares the server's source as is.
import { register } from "tsx/esm/api";

register();
// A signal ends the CLI through process.exit, so the exit hooks run: the job groups and embedded
// model servers it started go with it (Node's default signal exit skips them). A command that
// handles the signal itself (serve-model stops its server and exits 0) keeps it.
for (const [signal, number] of [
  ["SIGINT", 2],
  ["SIGHUP", 1],
  ["SIGTERM", 15],
]) {
  process.once(signal, () => {
    if (process.listenerCount(signal) === 0) process.exit(128 + number);
  });
}
const { main } = await import("../server/cli/main.ts");
const code = await main(process.argv.slice(2));
// Flush stdout before exiting (piped output would otherwise be cut).
process.stdout.write("", () => process.exit(code));
