// One writer per embedded database (docs/ARCHITECTURE.md §4): the process that opens PGlite records itself
// in .data/owner.json. A CLI that finds a live server there talks to its API instead; a CLI that
// finds another live CLI waits for it. The file is created atomically; a dead owner is cleared.
import fs from "node:fs";
import path from "node:path";
import { dataDir } from "@/db/client";

export type Owner = { pid: number; kind: "server" | "cli"; url?: string; startedAt: string };

export function ownerFile(): string {
  return path.join(dataDir(), "owner.json");
}

/** Whether a process with this pid exists (EPERM: it does, owned by someone else). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The live owner of the embedded database, or null (a stale record is removed). */
export function readOwner(): Owner | null {
  let owner: Owner;
  try {
    owner = JSON.parse(fs.readFileSync(ownerFile(), "utf8")) as Owner;
  } catch {
    return null;
  }
  if (owner.pid !== process.pid && !alive(owner.pid)) {
    fs.rmSync(ownerFile(), { force: true });
    return null;
  }
  return owner;
}

export class DatabaseBusyError extends Error {}

/** Claim the embedded database for this process, waiting up to `waitMs` for another owner to leave. */
export async function claimOwnership(kind: Owner["kind"], url?: string, waitMs = 30_000): Promise<void> {
  fs.mkdirSync(dataDir(), { recursive: true });
  const record: Owner = { pid: process.pid, kind, url, startedAt: new Date().toISOString() };
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      fs.writeFileSync(ownerFile(), JSON.stringify(record), { flag: "wx" });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = readOwner();
      if (owner?.pid === process.pid) return;
      if (owner && Date.now() > deadline) {
        throw new DatabaseBusyError(
          `the embedded database in ${dataDir()} is held by ${owner.kind} pid ${owner.pid}` + (owner.url ? ` (${owner.url})` : ""),
        );
      }
      if (owner) await new Promise((r) => setTimeout(r, 250));
    }
  }
  const release = () => {
    if (readOwner()?.pid === process.pid) fs.rmSync(ownerFile(), { force: true });
  };
  process.once("exit", release);
}

export function releaseOwnership(): void {
  if (readOwner()?.pid === process.pid) fs.rmSync(ownerFile(), { force: true });
}
