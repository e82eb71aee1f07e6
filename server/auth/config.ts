// Team mode's auth configuration, read from the environment once and checked at start, so a
// half-configured OIDC provider stops the server with a line naming the missing variable
// instead of failing at the first sign-in.
import { InputError } from "@/server/errors";
import type { Env } from "@/server/runtime/mode";

export type OidcConfig = {
  /** The issuer URL; its /.well-known/openid-configuration is the discovery document. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Label of the sign-in button, e.g. "Company SSO". */
  label: string;
};

export type AuthConfig = {
  /** DISTILLERY_AUTH_SECRET: signs session cookies; its presence is what turns team mode on. */
  secret: string;
  /** DISTILLERY_PUBLIC_URL: the address users reach the workbench at (OIDC redirects go there). */
  publicUrl?: string;
  oidc?: OidcConfig;
};

/** The auth configuration of team mode; throws an InputError naming what is wrong. */
export function authConfig(env: Env = process.env): AuthConfig {
  const secret = env.DISTILLERY_AUTH_SECRET ?? "";
  if (secret.length < 32) {
    throw new InputError("DISTILLERY_AUTH_SECRET must be at least 32 characters (e.g. `openssl rand -base64 32`)");
  }
  const publicUrl = env.DISTILLERY_PUBLIC_URL || undefined;
  if (publicUrl && !/^https?:\/\//.test(publicUrl)) throw new InputError("DISTILLERY_PUBLIC_URL must start with http:// or https://");
  return { secret, publicUrl, oidc: oidcConfig(env, publicUrl) };
}

function oidcConfig(env: Env, publicUrl: string | undefined): OidcConfig | undefined {
  const issuer = env.DISTILLERY_OIDC_ISSUER;
  const clientId = env.DISTILLERY_OIDC_CLIENT_ID;
  const clientSecret = env.DISTILLERY_OIDC_CLIENT_SECRET;
  if (!issuer && !clientId && !clientSecret) return undefined;
  const missing = [
    ["DISTILLERY_OIDC_ISSUER", issuer],
    ["DISTILLERY_OIDC_CLIENT_ID", clientId],
    ["DISTILLERY_OIDC_CLIENT_SECRET", clientSecret],
    // The provider redirects the browser back to the workbench: it must know its own address.
    ["DISTILLERY_PUBLIC_URL", publicUrl],
  ].filter(([, value]) => !value);
  if (missing.length) throw new InputError(`OIDC sign-in needs ${missing.map(([name]) => name).join(", ")} as well`);
  if (!/^https?:\/\//.test(issuer!)) throw new InputError("DISTILLERY_OIDC_ISSUER must be an http(s) URL");
  return {
    issuer: issuer!.replace(/\/+$/, ""),
    clientId: clientId!,
    clientSecret: clientSecret!,
    label: env.DISTILLERY_OIDC_LABEL || "Single sign-on",
  };
}

/** The id under which the OIDC provider is registered; its callback is /api/auth/callback/oidc. */
export const OIDC_PROVIDER_ID = "oidc";
