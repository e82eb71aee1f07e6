// Credentials never travel inside a stored URL: user:pass@ and secret-looking query parameters
// (?api_key=, ?token=, …) are taken out before a URL is saved in a run's or job's config. Keys
// belong in the environment (server/endpoints/secrets.ts). zod- and fs-free: the browser uses it too.

/** Query parameter names that carry a secret (a regex alternation; redact.ts masks their values too). */
export const SECRET_PARAM_NAMES =
  "api[-_]?key|key|token|access[-_]?token|auth|authorization|password|passwd|secret|client[-_]?secret|sig|signature";
const SECRET_PARAM = new RegExp(`^(${SECRET_PARAM_NAMES})$`, "i");

export function isHttpUrl(value: string): boolean {
  return /^https?:\/\//i.test(value);
}

/** Whether `url` carries credentials (userinfo or a secret query parameter). */
export function hasUrlCredentials(url: string): boolean {
  return isHttpUrl(url) && withoutUrlCredentials(url) !== url;
}

/** `url` without userinfo and secret query parameters; anything that is not an http(s) URL is returned as is. */
export function withoutUrlCredentials(url: string): string {
  if (!isHttpUrl(url)) return url;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  let changed = false;
  if (parsed.username || parsed.password) {
    parsed.username = "";
    parsed.password = "";
    changed = true;
  }
  for (const name of [...parsed.searchParams.keys()]) {
    if (SECRET_PARAM.test(name)) {
      parsed.searchParams.delete(name);
      changed = true;
    }
  }
  if (!changed) return url;
  // URL adds a "/" path to a bare origin; keep the caller's spelling.
  const text = parsed.toString();
  return text.endsWith("/") && !url.split(/[?#]/)[0]!.endsWith("/") ? text.slice(0, -1) : text;
}
