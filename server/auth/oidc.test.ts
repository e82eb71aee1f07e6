// The OIDC configuration path: environment → auth config → Better Auth's generic OAuth provider,
// against a stub identity provider on loopback that serves only its discovery document. Starting
// a sign-in must send the browser to that provider's authorization endpoint with our client id
// and our callback; a half-made configuration names what is missing.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb, type DbHandle } from "@/db/client";
import { createAuth } from "./better-auth";
import { authConfig } from "./config";

const SECRET = "oidc-test-secret-oidc-test-secret-0123456";

describe("OIDC sign-in configuration", () => {
  let idp: http.Server;
  let issuer: string;
  let handle: DbHandle;

  beforeAll(async () => {
    idp = http.createServer((req, res) => {
      if (req.url !== "/.well-known/openid-configuration") return void res.writeHead(404).end();
      res.writeHead(200, { "content-type": "application/json" }).end(
        JSON.stringify({
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          userinfo_endpoint: `${issuer}/userinfo`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ["code"],
          subject_types_supported: ["public"],
          id_token_signing_alg_values_supported: ["RS256"],
        }),
      );
    });
    await new Promise<void>((resolve) => idp.listen(0, "127.0.0.1", resolve));
    issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
    handle = await openDb({ url: "", dir: ":memory:" });
  });
  afterAll(async () => {
    await handle?.close();
    await new Promise((resolve) => idp?.close(resolve));
  });

  it("names each missing variable of a half-made OIDC configuration", () => {
    expect(() => authConfig({ DISTILLERY_AUTH_SECRET: "short" })).toThrow(/at least 32 characters/);
    expect(() => authConfig({ DISTILLERY_AUTH_SECRET: SECRET, DISTILLERY_OIDC_ISSUER: "https://idp.example" })).toThrow(
      "OIDC sign-in needs DISTILLERY_OIDC_CLIENT_ID, DISTILLERY_OIDC_CLIENT_SECRET, DISTILLERY_PUBLIC_URL as well",
    );
    expect(authConfig({ DISTILLERY_AUTH_SECRET: SECRET }).oidc).toBeUndefined();
  });

  it("starts a sign-in at the provider named by the environment, with our client id and callback", async () => {
    const config = authConfig({
      DISTILLERY_AUTH_SECRET: SECRET,
      DISTILLERY_PUBLIC_URL: "http://workbench.test:3000",
      DISTILLERY_OIDC_ISSUER: `${issuer}/`,
      DISTILLERY_OIDC_CLIENT_ID: "distillery",
      DISTILLERY_OIDC_CLIENT_SECRET: "s3cret",
      DISTILLERY_OIDC_LABEL: "Company SSO",
    });
    expect(config.oidc).toMatchObject({ issuer, clientId: "distillery", label: "Company SSO" });
    const auth = createAuth(handle.db, config);
    const res = await auth.handler(
      new Request("http://workbench.test:3000/api/auth/sign-in/social", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://workbench.test:3000" },
        body: JSON.stringify({ provider: "oidc", callbackURL: "/" }),
      }),
    );
    expect(res.status).toBe(200);
    const { url } = (await res.json()) as { url: string };
    const target = new URL(url);
    expect(`${target.origin}${target.pathname}`).toBe(`${issuer}/authorize`);
    expect(target.searchParams.get("client_id")).toBe("distillery");
    expect(target.searchParams.get("redirect_uri")).toBe("http://workbench.test:3000/api/auth/callback/oidc");
    expect(target.searchParams.get("code_challenge_method")).toBe("S256");
    expect(target.searchParams.get("scope")?.split(" ")).toEqual(expect.arrayContaining(["openid", "email", "profile"]));
  });
});
