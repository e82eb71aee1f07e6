// Servers started on demand and shared through leases: a user (a run) holds a lease for as long as
// it may send requests, since the requests themselves go straight to the server's URL and are not
// seen here. A server with no lease is stopped after an idle period, and at most `maxResident`
// stay up: starting another first stops the least recently released idle one. When every resident
// server is leased the new one starts anyway (a run never waits on another run) and the log says so.

import type { Served } from "./served";

export type Log = (line: string) => void;

/** A started server as the pool sees it. */
export type PooledServer = {
  url: string;
  served?: Served;
  /** Resolves when it has exited, whoever stopped it. */
  exited: Promise<unknown>;
  /** Stop it and resolve once it has exited. */
  stop(): Promise<void>;
};

export type ServerPoolOptions<S> = {
  start: (spec: S, log?: Log) => Promise<PooledServer>;
  /** Specs with the same key share one server. */
  key: (spec: S) => string;
  /** What a log line calls a spec's server, e.g. "the embedded model server for X". */
  describe: (spec: S) => string;
  /** How long a server with no lease stays up; 0 stops it at its last release. */
  idleMs: number;
  maxResident: number;
  /** Where lines go that belong to no acquire (an idle stop). */
  log?: Log;
};

export type Lease = {
  url: string;
  served?: Served;
  /** Give the server back; a second call does nothing. */
  release(): void;
};

type Entry<S> = {
  spec: S;
  starting: Promise<PooledServer>;
  leases: number;
  /** Position in release order (higher: released more recently); 0 while never released. */
  releasedAt: number;
  idleTimer?: ReturnType<typeof setTimeout>;
};

export type ServerPool<S> = {
  acquire(spec: S, log?: Log): Promise<Lease>;
  /** The keys of the servers up or starting, for tests and status lines. */
  resident(): string[];
  /** Stop every server (shutdown); leases still held become stale. */
  stopAll(): Promise<void>;
};

export function createServerPool<S>(options: ServerPoolOptions<S>): ServerPool<S> {
  const { key, describe, idleMs, maxResident } = options;
  const entries = new Map<string, Entry<S>>();
  /** Servers being stopped, by key: a new start of the same spec waits for its port and memory. */
  const stopping = new Map<string, Promise<void>>();
  let releases = 0;

  function retire(k: string, entry: Entry<S>): Promise<void> {
    if (entries.get(k) === entry) entries.delete(k);
    clearTimeout(entry.idleTimer);
    const stopped = entry.starting
      .then(
        (server) => server.stop(),
        () => undefined, // it never started: nothing to stop
      )
      .catch((err: unknown) => options.log?.(`could not stop ${describe(entry.spec)}: ${String(err)}`));
    const tracked = stopped.finally(() => {
      if (stopping.get(k) === tracked) stopping.delete(k);
    });
    stopping.set(k, tracked);
    return tracked;
  }

  /** Stop idle servers, least recently released first, until one more fits; the stops to wait for. */
  function makeRoom(log?: Log): Promise<void>[] {
    const stops: Promise<void>[] = [];
    const idle = [...entries].filter(([, e]) => e.leases === 0).sort(([, a], [, b]) => a.releasedAt - b.releasedAt);
    while (entries.size >= maxResident) {
      const next = idle.shift();
      if (!next) {
        log?.(`all ${entries.size} resident model servers are in use (the limit is ${maxResident}); starting one more anyway`);
        break;
      }
      const [k, entry] = next;
      log?.(`stopping ${describe(entry.spec)} to make room (at most ${maxResident} resident)`);
      stops.push(retire(k, entry));
    }
    return stops;
  }

  function open(k: string, spec: S, log?: Log): Entry<S> {
    const stops = [...makeRoom(log), stopping.get(k) ?? Promise.resolve()];
    const entry: Entry<S> = { spec, leases: 0, releasedAt: 0, starting: Promise.all(stops).then(() => options.start(spec, log)) };
    entries.set(k, entry);
    entry.starting.then(
      (server) => {
        // A server that exits by itself (crash, lifeline) is forgotten; the next acquire starts a new one.
        void server.exited.then(() => {
          if (entries.get(k) === entry) void retire(k, entry);
        });
      },
      () => {
        if (entries.get(k) === entry) entries.delete(k);
      },
    );
    return entry;
  }

  function release(k: string, entry: Entry<S>): void {
    entry.leases--;
    if (entry.leases > 0 || entries.get(k) !== entry) return;
    entry.releasedAt = ++releases;
    if (idleMs === 0) {
      void retire(k, entry);
      return;
    }
    entry.idleTimer = setTimeout(() => {
      options.log?.(`stopping ${describe(entry.spec)}: unused for ${idleMs / 1000} s`);
      void retire(k, entry);
    }, idleMs);
    // An idle server must never keep a CLI process alive.
    entry.idleTimer.unref?.();
  }

  return {
    async acquire(spec, log) {
      const k = key(spec);
      const entry = entries.get(k) ?? open(k, spec, log);
      entry.leases++;
      clearTimeout(entry.idleTimer);
      let server: PooledServer;
      try {
        server = await entry.starting;
      } catch (err) {
        entry.leases--;
        throw err;
      }
      let released = false;
      return {
        url: server.url,
        served: server.served,
        release: () => {
          if (released) return;
          released = true;
          release(k, entry);
        },
      };
    },
    resident: () => [...entries.keys()],
    async stopAll() {
      const all = [...entries].map(([k, entry]) => retire(k, entry));
      await Promise.all([...all, ...stopping.values()]);
    },
  };
}
