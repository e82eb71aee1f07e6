// One redaction function for every text the workbench stores or shows that may carry a secret:
// job errors and log tails, run and trajectory errors, CLI error lines. It removes the values of
// the secrets this process knows (API keys from the environment, the auth secret) and anything
// shaped like a credential: URL userinfo, secret query parameters, bearer tokens, sk- keys.

import { SECRET_PARAM_NAMES } from "./url";

const MASK = "***";
const SECRET_PARAM_VALUE = new RegExp(`([?&](?:${SECRET_PARAM_NAMES})=)[^&\\s"'#]+`, "gi");
/** Environment variables whose values are secrets (DISTILLERY_API_KEY, an endpoint's apiKeyEnv, …). */
const SECRET_ENV = /(API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD)$/i;
const MIN_SECRET_LENGTH = 6; // shorter values would mask ordinary words

function secretValues(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env)
    .filter(([name, value]) => SECRET_ENV.test(name) && typeof value === "string" && value.length >= MIN_SECRET_LENGTH)
    .map(([, value]) => value!)
    .sort((a, b) => b.length - a.length);
}

export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = text;
  for (const secret of secretValues(env)) out = out.split(secret).join(MASK);
  return out
    .replace(/\b(https?:\/\/)[^\s/?#@]+@/gi, `$1${MASK}@`)
    .replace(SECRET_PARAM_VALUE, `$1${MASK}`)
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/g, `$1 ${MASK}`)
    .replace(/\bsk-[A-Za-z0-9_-]{12,}/g, `sk-${MASK}`);
}

/** A remote endpoint's error, summarised: one line, redacted, at most `max` characters. */
export function summariseRemoteError(text: string, max = 200): string {
  const line = redact(text).replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
