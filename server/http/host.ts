// Which Host names the workbench answers to. A web page that rebinds its own DNS name to
// 127.0.0.1 reaches the workbench with its own name in the Host header, so any name we did not
// choose is refused: loopback names by default, plus public names the operator configures.
import type { Env } from "@/server/runtime/mode";

/** A host as written in a Host header or an allowlist entry: name (IPv6 in brackets) and optional port. */
export type HostName = { hostname: string; port: number | null };

export type HostPolicy = {
  /** Names that may be used with any port (loopback, and configured names given without a port). */
  anyPort: Set<string>;
  /** Names allowed only with one port (configured as `name:port`). */
  withPort: Set<string>;
  /** The configured public names (not loopback): a browser origin on one of these is trusted. */
  publicNames: Set<string>;
};

export const LOOPBACK_NAMES = ["localhost", "127.0.0.1", "[::1]"] as const;

// name[:port], where name is a DNS name, an IPv4 address or a bracketed IPv6 address.
const HOST_PATTERN = /^(\[[0-9a-f:.]+\]|[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*)\.?(?::(\d{1,5}))?$/;

/** Parses a Host header value (or an allowlist entry); null when it is not a plain host[:port]. */
export function parseHost(value: string): HostName | null {
  const match = HOST_PATTERN.exec(value.trim().toLowerCase());
  if (!match) return null;
  const port = match[2] === undefined ? null : Number(match[2]);
  if (port !== null && (port < 1 || port > 65535)) return null;
  return { hostname: match[1]!, port };
}

function bindAddressName(bind: string | undefined): string | null {
  // An IP literal the server was told to bind can't be a rebound DNS name, so it is safe to
  // allow; a wildcard bind (0.0.0.0, ::) says nothing about the name clients will use.
  if (!bind || bind === "0.0.0.0" || bind === "::" || bind === "[::]") return null;
  const host = parseHost(bind.includes(":") && !bind.startsWith("[") ? `[${bind}]` : bind);
  return host?.hostname ?? null;
}

/**
 * The allowlist from the environment: loopback names, the bind address (HOST) when it is a
 * specific address, and DISTILLERY_ALLOWED_HOSTS (comma-separated `name` or `name:port`).
 */
export function hostPolicy(env: Env = process.env): HostPolicy {
  const policy: HostPolicy = { anyPort: new Set(LOOPBACK_NAMES), withPort: new Set(), publicNames: new Set() };
  const bound = bindAddressName(env.HOST);
  if (bound) policy.anyPort.add(bound);
  for (const entry of (env.DISTILLERY_ALLOWED_HOSTS ?? "").split(",")) {
    if (!entry.trim()) continue;
    const host = parseHost(entry);
    if (!host) throw new Error(`DISTILLERY_ALLOWED_HOSTS: "${entry.trim()}" is not a host name (write name or name:port, comma-separated)`);
    if (host.port === null) policy.anyPort.add(host.hostname);
    else policy.withPort.add(`${host.hostname}:${host.port}`);
    policy.publicNames.add(host.hostname);
  }
  return policy;
}

export function isAllowedHost(host: HostName, policy: HostPolicy): boolean {
  return policy.anyPort.has(host.hostname) || (host.port !== null && policy.withPort.has(`${host.hostname}:${host.port}`));
}
