// Which security mode the workbench runs in. The single-user default serves 127.0.0.1 with no
// accounts (the Host/Origin checks keep other web pages out); team mode has accounts, roles and
// personal API tokens, and is what any other bind address requires. Team mode is on exactly when
// auth is configured: DISTILLERY_AUTH_SECRET (the session-signing secret) is set.
export type ServerMode = "single-user" | "team";
/** Environment variables as read here (process.env by default; tests pass their own). */
export type Env = Readonly<Record<string, string | undefined>>;

export function serverMode(env: Env = process.env): ServerMode {
  return env.DISTILLERY_AUTH_SECRET ? "team" : "single-user";
}

/** Whether a bind address (or host name) can only be reached from this machine. */
export function isLoopbackAddress(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1");
  return h === "localhost" || h === "::1" || /^(::ffff:)?127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Why the server must not serve on `host`, or null when it may: any address other than loopback
 * (0.0.0.0, ::, a LAN address) reaches the network, and without accounts anyone there would be
 * the owner.
 */
export function bindRefusal(host: string, env: Env = process.env): string | null {
  if (isLoopbackAddress(host) || serverMode(env) === "team") return null;
  return (
    `refusing to serve on ${host || "all interfaces"} without accounts: set DISTILLERY_AUTH_SECRET for team mode ` +
    `(README "Security"), or serve on 127.0.0.1`
  );
}

/** The address `next start|dev -H X` / `--hostname X` was given; Next's default is every interface. */
export function hostnameFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "-H" || arg === "--hostname") return argv[i + 1];
    if (arg.startsWith("--hostname=")) return arg.slice("--hostname=".length);
  }
  return undefined;
}
