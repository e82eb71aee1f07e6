import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { AccountMenu } from "@/components/account/AccountMenu";
import { KeyboardHelp } from "@/components/KeyboardHelp";
import { Providers } from "@/components/trpc";
// KaTeX's fonts and layout for the math in questions, answers and thoughts (components/MathText.tsx).
import "katex/dist/katex.min.css";
import "./globals.css";

export const metadata: Metadata = {
  title: "Distillery",
  description: "Agent distillation workbench: teacher trajectories, annotation, LoRA students, SAG evaluation",
  // Static files in public/ are served from the site root.
  icons: {
    icon: [
      { url: "/icon.svg", type: "image/svg+xml" },
      { url: "/icon-192.png", type: "image/png", sizes: "192x192" },
    ],
    apple: { url: "/icon-192.png", sizes: "192x192" },
  },
  manifest: "/manifest.webmanifest",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>
          <header className="topbar">
            <Link href="/" className="brand">
              Distillery
            </Link>
            <nav aria-label="Main">
              <Link href="/">Benchmarks</Link>
              <Link href="/#runs">Runs</Link>
              <Link href="/annotate">Annotate</Link>
              <Link href="/review">Review</Link>
              <Link href="/datasets">Datasets</Link>
              <Link href="/jobs">Jobs</Link>
              <Link href="/compare">Compare</Link>
            </nav>
            <AccountMenu />
          </header>
          <main>{children}</main>
          <KeyboardHelp />
        </Providers>
      </body>
    </html>
  );
}
