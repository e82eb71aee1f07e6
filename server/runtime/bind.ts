// Where this process actually listens, for the start-up refusal of instrumentation.ts. The
// listening sockets are the truth (they cover `next start`, the forked `next dev` worker and a
// standalone server.js alike); the command line is the fallback.
import net from "node:net";
import { hostnameFromArgv } from "./mode";

/** The addresses of every TCP server listening in this process, plus the -H/--hostname flag. */
export function bindAddresses(argv: readonly string[] = process.argv): string[] {
  // Undocumented but long-stable; absent on other runtimes, where the flag alone is used.
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  const listening = handles
    .filter((h): h is net.Server => h instanceof net.Server && h.listening)
    .map((server) => server.address())
    .flatMap((address) => (address && typeof address === "object" ? [address.address] : []));
  const flag = hostnameFromArgv(argv);
  return [...listening, ...(flag !== undefined ? [flag] : [])];
}
