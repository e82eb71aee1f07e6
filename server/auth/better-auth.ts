// Better Auth on the workbench's own database: sessions, email/user-name + password sign-in and,
// when configured, OIDC through its generic OAuth plugin. Sign-up is off: accounts are made by
// an admin (server/auth/users.ts). New OIDC users arrive as viewers until an admin promotes them.
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { betterAuth } from "better-auth";
import { genericOAuth, username } from "better-auth/plugins";
import type { Db } from "@/db/client";
import { accounts, sessions, users, verifications } from "@/db/schema";
import { OIDC_PROVIDER_ID, type AuthConfig } from "./config";

export function createAuth(db: Db, config: AuthConfig) {
  return betterAuth({
    appName: "Distillery",
    secret: config.secret,
    baseURL: config.publicUrl,
    basePath: "/api/auth",
    // Better Auth refuses cookie-carrying requests from origins it does not trust. The workbench's
    // own origin is the Host a request was sent to (the HTTP boundary, server/http, has already
    // refused foreign Host names). Not request.url: behind Next it may name the bind address.
    trustedOrigins: (request) => {
      const host = request?.headers.get("host");
      return [config.publicUrl, ...(host ? [`http://${host}`, `https://${host}`] : [])];
    },
    advanced: {
      // On everywhere, tests included (Better Auth would skip it under NODE_ENV=test).
      disableOriginCheck: false,
      // Secure cookies follow the public URL's scheme; without one, Better Auth's default (secure
      // in production, which browsers honour on http://127.0.0.1 and localhost only).
      ...(config.publicUrl ? { useSecureCookies: config.publicUrl.startsWith("https://") } : {}),
    },
    database: drizzleAdapter(db, {
      provider: "pg",
      schema: { user: users, session: sessions, account: accounts, verification: verifications },
    }),
    emailAndPassword: { enabled: true, disableSignUp: true },
    user: { additionalFields: { role: { type: "string", required: false, defaultValue: "viewer", input: false } } },
    session: { expiresIn: 60 * 60 * 24 * 7, updateAge: 60 * 60 * 24 },
    telemetry: { enabled: false },
    plugins: [
      username(),
      ...(config.oidc
        ? [
            genericOAuth({
              config: [
                {
                  providerId: OIDC_PROVIDER_ID,
                  name: config.oidc.label,
                  discoveryUrl: `${config.oidc.issuer}/.well-known/openid-configuration`,
                  requireIdTokenVerification: true,
                  clientId: config.oidc.clientId,
                  clientSecret: config.oidc.clientSecret,
                  scopes: ["openid", "email", "profile"],
                  pkce: true,
                },
              ],
            }),
          ]
        : []),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
