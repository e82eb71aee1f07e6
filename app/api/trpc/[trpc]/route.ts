import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { withTrpcBodyLimit } from "@/server/http/limited-body";
import { getServerDb } from "@/server/runtime/db";
import { appRouter } from "@/server/trpc/router";

export const dynamic = "force-dynamic";

const handler = (req: Request) =>
  fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => ({
      db: (await getServerDb()).db,
      user: req.headers.get("x-distillery-user") ?? "anonymous",
    }),
  });

// Host, Origin, content type and batch size were checked by the proxy (proxy.ts); the body's
// size can only be known while reading it.
const POST = withTrpcBodyLimit(handler);

export { handler as GET, POST };
