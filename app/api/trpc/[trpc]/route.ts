import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
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

export { handler as GET, handler as POST };
