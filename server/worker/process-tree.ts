// Finding and killing every process that a process started (Linux, via /proc): a child and all its
// descendants, or a whole session plus its descendants, including those that moved to new
// sessions (Ray runs job entrypoints with start_new_session). Used to kill a worker past its
// deadline with everything it forked, and to tear down a test Ray head without `ray stop`, which
// kills every Ray process on the machine, other users' too.
import { readdirSync, readFileSync } from "node:fs";

type Proc = { pid: number; ppid: number; sid: number; zombie: boolean };

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after "(comm)": state ppid pgrp session ...; comm itself may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { pid, ppid: Number(fields[1]), sid: Number(fields[3]), zombie: fields[0] === "Z" };
  } catch {
    return null; // exited while we looked
  }
}

function allProcesses(): Proc[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProc(Number(name)))
    .filter((p): p is Proc => p !== null);
}

/** Live pids in session `sid`, and every live descendant of those, wherever it went. */
export function sessionTree(sid: number): Set<number> {
  return withDescendants((p) => p.sid === sid);
}

/** `pid` (if alive) and every live descendant of it. */
export function processTree(pid: number): Set<number> {
  return withDescendants((p) => p.pid === pid);
}

function withDescendants(isRoot: (p: Proc) => boolean): Set<number> {
  let procs: Proc[];
  try {
    procs = allProcesses().filter((p) => !p.zombie);
  } catch {
    return new Set(); // no /proc (not Linux): nothing beyond the caller's own signal
  }
  const tree = new Set(procs.filter(isRoot).map((p) => p.pid));
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grew = true;
      }
    }
  }
  return tree;
}

/** Whether `pid` is a live process (a zombie, dead but not yet reaped, is not). */
export function isAlive(pid: number): boolean {
  const proc = readProc(pid);
  return proc !== null && !proc.zombie;
}

function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGKILL a session's whole tree. Processes are frozen (SIGSTOP) first, until no new ones appear,
 * so nothing can fork or respawn a child between finding the tree and killing it. Synchronous, so
 * it also works from a process 'exit' handler. Returns how many processes were killed.
 */
export function killSessionTree(sid: number): number {
  if (sid <= 1 || sid === readProc(process.pid)?.sid) throw new Error(`refusing to kill session ${sid}: it is ours`);
  return freezeAndKill(() => sessionTree(sid));
}

/** SIGKILL `pid` and every descendant of it, frozen first as killSessionTree does. */
export function killProcessTree(pid: number): number {
  if (pid <= 1 || pid === process.pid) throw new Error(`refusing to kill process ${pid}`);
  const killed = freezeAndKill(() => processTree(pid));
  signal(pid, "SIGKILL"); // without /proc the tree is unknown: the process itself still goes
  return killed;
}

function freezeAndKill(tree: () => Set<number>): number {
  const frozen = new Set<number>();
  for (let round = 0; round < 100; round++) {
    const fresh = [...tree()].filter((pid) => !frozen.has(pid) && pid !== process.pid);
    if (fresh.length === 0) break;
    fresh.forEach((pid) => signal(pid, "SIGSTOP") && frozen.add(pid));
  }
  frozen.forEach((pid) => signal(pid, "SIGKILL"));
  return frozen.size;
}
