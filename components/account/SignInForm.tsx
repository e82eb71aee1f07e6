"use client";
// Signs in through Better Auth's endpoints (app/api/auth): user name + password, or the OIDC
// provider, whose page the browser is sent to and which sends it back to `next`.
import { useState, useSyncExternalStore } from "react";

async function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

const noSubscription = () => () => {};

export function SignInForm({ next, ssoLabel }: { next: string; ssoLabel?: string }) {
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  // Until React has hydrated the form, a submit would be the browser's own (a GET carrying the
  // password in the URL): the buttons stay disabled until then (found on a loaded machine, where
  // hydration took seconds).
  const hydrated = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );

  async function signInWithPassword(form: FormData) {
    setBusy(true);
    setError("");
    const res = await postJson("/api/auth/sign-in/username", { username: form.get("username"), password: form.get("password") });
    setBusy(false);
    if (res.ok) window.location.assign(next);
    else setError(res.status === 401 ? "Wrong user name or password." : `Sign-in failed (${res.status}).`);
  }

  async function signInWithSso() {
    setBusy(true);
    const res = await postJson("/api/auth/sign-in/social", { provider: "oidc", callbackURL: next });
    const body = (await res.json().catch(() => ({}))) as { url?: string };
    if (res.ok && body.url) return window.location.assign(body.url);
    setBusy(false);
    setError("The single sign-on provider could not be reached.");
  }

  return (
    <form
      className="sign-in-form"
      method="post"
      // Not a form action: React resets an action's form afterwards, losing the user name on a typo.
      onSubmit={(e) => {
        e.preventDefault();
        void signInWithPassword(new FormData(e.currentTarget));
      }}
    >
      <label>
        User name
        <input name="username" autoComplete="username" required autoFocus />
      </label>
      <label>
        Password
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <button type="submit" disabled={busy || !hydrated}>
        Sign in
      </button>
      {ssoLabel && (
        <button type="button" disabled={busy || !hydrated} onClick={signInWithSso}>
          {ssoLabel}
        </button>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
