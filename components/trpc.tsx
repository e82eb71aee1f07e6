"use client";
// The browser's typed API client: tRPC over HTTP, cached by TanStack Query.
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState, type ReactNode } from "react";
import superjson from "superjson";
import type { AppRouter } from "@/server/trpc/router";
import { annotatorName } from "./AnnotatorName";

function annotatorHeader(): Record<string, string> {
  const name = annotatorName();
  return name ? { "x-distillery-user": name } : {};
}

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/** Team mode: a call refused for want of a session sends the browser to sign in, then back. */
function signInWhenUnauthenticated(error: unknown) {
  if (!(error instanceof TRPCClientError) || error.data?.code !== "UNAUTHORIZED") return;
  const here = window.location.pathname + window.location.search;
  if (!here.startsWith("/sign-in")) window.location.assign(`/sign-in?next=${encodeURIComponent(here)}`);
}

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        queryCache: new QueryCache({ onError: signInWhenUnauthenticated }),
        mutationCache: new MutationCache({ onError: signInWhenUnauthenticated }),
        defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: false } },
      }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      // Single-user mode: the annotator's name (set in the UI, kept in localStorage) says who gave
      // a verdict. Team mode ignores it; the session cookie says who is calling.
      links: [httpBatchLink({ url: "/api/trpc", transformer: superjson, headers: () => annotatorHeader() })],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
