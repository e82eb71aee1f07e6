// tRPC building blocks shared by every feature router.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Db } from "@/db/client";
import { InputError } from "@/server/errors";
import { publicErrorShape } from "@/server/http/error-shape";

export type Context = { db: Db; user: string };

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Error replies never carry SQL, parameters or stacks: 5xx messages become an id for the log.
  errorFormatter: ({ shape, error, path }) => publicErrorShape(shape, error, path),
});

export const router = t.router;
/** Every procedure: an InputError thrown anywhere below becomes a 400 with its message. */
export const publicProcedure = t.procedure.use(async ({ next }) => {
  const result = await next();
  const cause = result.ok ? null : result.error.cause;
  if (cause instanceof InputError) throw new TRPCError({ code: "BAD_REQUEST", message: cause.message, cause });
  if (cause instanceof ZodError) {
    const issue = cause.issues[0];
    const message = issue ? `${issue.path.join(".") || "input"}: ${issue.message}` : "invalid input";
    throw new TRPCError({ code: "BAD_REQUEST", message, cause });
  }
  return result;
});
export const createCallerFactory = t.createCallerFactory;
