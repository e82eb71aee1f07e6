// The sign-in page of team mode: user name and password, plus the single sign-on button when an
// OIDC provider is configured. Single-user mode has no accounts, so it only says so.
import Link from "next/link";
import { SignInForm } from "@/components/account/SignInForm";
import { authConfig } from "@/server/auth/config";
import { serverMode } from "@/server/runtime/mode";

export const dynamic = "force-dynamic";

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (serverMode() !== "team") {
    return (
      <section className="sign-in">
        <h1>No sign-in needed</h1>
        <p className="subtitle">
          This workbench runs in single-user mode on this machine. <Link href="/">Go to the workbench</Link>.
        </p>
      </section>
    );
  }
  const { next } = await searchParams;
  // Only a path on this site: an absolute URL here would make the page an open redirect.
  const target = next?.startsWith("/") && !next.startsWith("//") ? next : "/";
  return (
    <section className="sign-in">
      <h1>Sign in</h1>
      <p className="subtitle">Accounts are made by an admin (npx distillery users add NAME --role ROLE).</p>
      <SignInForm next={target} ssoLabel={authConfig().oidc?.label} />
    </section>
  );
}
