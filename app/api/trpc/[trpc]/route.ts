import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { withTrpcBodyLimit } from "@/server/http/limited-body";
import { getServerDb } from "@/server/runtime/db";
import { createRequestContext } from "@/server/trpc/context";
import { appRouter } from "@/server/trpc/router";

export const dynamic = "force-dynamic";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    // Who is calling: a session or API token in team mode, the display-name header otherwise.
    createContext: async () => createRequestContext(req, (await getServerDb()).db),
  });

// Host, Origin, content type and batch size were checked by the proxy (proxy.ts); the body's
// size can only be known while reading it.
const POST = withTrpcBodyLimit(handler);

export { handler as GET, POST };
