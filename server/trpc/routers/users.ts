// Accounts and personal API tokens. `me` says who the caller is (and the mode, so the browser
// knows whether to show a sign-in or a display-name box); tokens are each user's own; managing
// accounts is for admins.
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { createApiToken, listApiTokens, revokeApiToken } from "@/server/auth/tokens";
import { addUser, listUsers, removeUser, setUserRole } from "@/server/auth/users";
import { serverMode } from "@/server/runtime/mode";
import { adminProcedure, router, viewerProcedure, type Context } from "../init";

/** The caller's account id; token procedures need an account (team mode). */
function accountId(ctx: Context): string {
  if (!ctx.actor?.userId) {
    throw new TRPCError({ code: "BAD_REQUEST", message: "API tokens exist in team mode only (DISTILLERY_AUTH_SECRET)" });
  }
  return ctx.actor.userId;
}

const userName = z.string().min(1).max(64);

export const usersRouter = router({
  me: viewerProcedure.query(({ ctx }) => ({
    mode: serverMode(),
    name: ctx.actor?.name ?? ctx.user,
    role: ctx.actor?.role ?? ("admin" as const),
    signedIn: Boolean(ctx.actor?.userId),
  })),
  tokens: viewerProcedure.query(({ ctx }) => listApiTokens(ctx.db, accountId(ctx))),
  /** A new personal API token, returned this once only. */
  createToken: viewerProcedure
    .input(z.object({ label: z.string().trim().min(1).max(100) }))
    .mutation(({ ctx, input }) => createApiToken(ctx.db, accountId(ctx), input.label)),
  revokeToken: viewerProcedure
    .input(z.object({ id: z.string().min(1).max(64) }))
    .mutation(async ({ ctx, input }) => ({ revoked: await revokeApiToken(ctx.db, accountId(ctx), input.id) })),
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  /** Create an account; its one-time password is in the reply only. */
  add: adminProcedure
    .input(z.object({ name: userName, role: z.string(), email: z.string().email().max(200).optional() }))
    .mutation(({ ctx, input }) => addUser(ctx.db, input)),
  setRole: adminProcedure
    .input(z.object({ name: userName, role: z.string() }))
    .mutation(({ ctx, input }) => setUserRole(ctx.db, input.name, input.role)),
  remove: adminProcedure.input(z.object({ name: userName })).mutation(({ ctx, input }) => removeUser(ctx.db, input.name)),
});
