// Whether a state-changing request comes from the workbench's own pages. Browsers mark every
// request a page sends with Origin and (modern ones) Sec-Fetch-Site; a page on another origin
// can still send a form or multipart POST without a CORS preflight, so mutations from any
// origin but our own are refused. The CLI sends neither header and is let through here (team
// mode authenticates it with a token).
import type { HostName, HostPolicy } from "./host";

/** GET and HEAD read; everything else (POST, PUT, DELETE, OPTIONS, …) may change state. */
export function isMutation(method: string): boolean {
  const m = method.toUpperCase();
  return m !== "GET" && m !== "HEAD";
}

// 80 and 443 are what a browser leaves out of Origin and Host; treat them as "no port" on both sides.
const comparablePort = (port: number | null) => (port === 80 || port === 443 ? null : port);

function originHost(origin: string): HostName | null {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return null; // includes the opaque origin "null" (sandboxed frames, file: pages)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.pathname !== "/" || url.search || url.username) return null; // an origin is scheme://host[:port] only
  return { hostname: url.hostname.replace(/\.$/, ""), port: url.port ? Number(url.port) : null };
}

/**
 * Why a mutation must be refused, or null when it may proceed. `host` is the request's own
 * (already allowed) Host; an Origin must name that same host, or one of the configured public
 * names (a TLS proxy in front may rewrite Host to the loopback address it forwards to).
 */
export function crossOriginProblem(headers: Headers, host: HostName, policy: HostPolicy): string | null {
  const fetchSite = headers.get("sec-fetch-site");
  if (fetchSite !== null && fetchSite !== "same-origin" && fetchSite !== "none") {
    return `cross-site request refused (Sec-Fetch-Site: ${fetchSite.slice(0, 40)})`;
  }
  const origin = headers.get("origin");
  if (origin === null) return null;
  const from = originHost(origin);
  if (!from) return "request from an opaque or malformed Origin refused";
  const sameHost = from.hostname === host.hostname && comparablePort(from.port) === comparablePort(host.port);
  if (sameHost || policy.publicNames.has(from.hostname)) return null;
  return `request from another origin refused (${from.hostname.slice(0, 80)})`;
}
