"use client";
// The browser's typed API client: tRPC over HTTP, cached by TanStack Query.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
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

export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { staleTime: 5_000, refetchOnWindowFocus: false } } }),
  );
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      // The annotator's name (set in the UI, kept in localStorage) says who gave a verdict.
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
