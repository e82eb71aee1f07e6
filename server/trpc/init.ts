// tRPC building blocks shared by every feature router.
import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError } from "zod";
import type { Db } from "@/db/client";
import type { Actor } from "@/server/auth/actor";
import { roleAllows, type Role } from "@/server/auth/roles";
import { InputError } from "@/server/errors";
import { publicErrorShape } from "@/server/http/error-shape";

/**
 * `user` names the caller on what it writes (verdicts). `actor` is set by the HTTP handler (null:
 * not signed in); it is absent only for in-process callers, which hold the database themselves.
 */
export type Context = { db: Db; user: string; actor?: Actor | null };

/** Who the caller is on what they write (verdicts, queues): the session's account in team mode, else the name. */
export const callerOf = (ctx: Context): { name: string; userId: string | null } => ctx.actor ?? { name: ctx.user, userId: null };

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

/** The one place roles are enforced for the API: a procedure callable from `least` upwards. */
function procedureFor(least: Role) {
  return publicProcedure.use(({ ctx, next }) => {
    if (ctx.actor === null) throw new TRPCError({ code: "UNAUTHORIZED", message: "sign in first (CLI: npx distillery login)" });
    if (ctx.actor && !roleAllows(ctx.actor.role, least)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `needs the ${least} role; ${ctx.actor.name} is ${ctx.actor.role}` });
    }
    return next();
  });
}
/** Reading anything. */
export const viewerProcedure = procedureFor("viewer");
/** Giving and undoing one's own verdicts. */
export const annotatorProcedure = procedureFor("annotator");
/** Launching runs, training, experiments and jobs; building and importing datasets. */
export const researcherProcedure = procedureFor("researcher");
/** Managing accounts and endpoints. */
export const adminProcedure = procedureFor("admin");
