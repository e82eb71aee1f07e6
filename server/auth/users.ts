// Accounts: made by an admin (the CLI's `users add`, or the users API), never by sign-up. An
// account made here signs in with its user name and a generated one-time password; the password
// is stored the way Better Auth stores it (scrypt, an "account" row of provider "credential"),
// so Better Auth's own sign-in checks it.
import { randomBytes, randomUUID } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { and, count, eq, ne, or } from "drizzle-orm";
import type { Db } from "@/db/client";
import { accounts, users } from "@/db/schema";
import { InputError } from "@/server/errors";
import { isRole, ROLES, type Role } from "./roles";

/** Better Auth's username rule (letters, digits, _ and .), lowercased, 3 to 30 characters. */
const USER_NAME = /^[a-z0-9_.]{3,30}$/;

export type Account = { id: string; name: string; email: string; role: Role; createdAt: Date };

export function checkUserName(name: string): string {
  if (!USER_NAME.test(name)) {
    throw new InputError(`user name "${name}": 3 to 30 lowercase letters, digits, "_" or "."`);
  }
  return name;
}

export function checkRole(role: string): Role {
  if (!isRole(role)) throw new InputError(`role "${role}": must be one of ${ROLES.join(", ")}`);
  return role;
}

/** Create an account; returns it with its one-time password (shown once, stored only hashed). */
export async function addUser(db: Db, input: { name: string; role: string; email?: string }): Promise<{ user: Account; password: string }> {
  const name = checkUserName(input.name);
  const role = checkRole(input.role);
  // Accounts made here sign in by user name; an email is required by Better Auth's table, so an
  // address that can never receive mail stands in when none is given.
  const email = (input.email ?? `${name}@users.distillery.invalid`).toLowerCase();
  const password = randomBytes(18).toString("base64url");
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: users.id }).from(users).where(eq(users.username, name)).limit(1);
    if (taken) throw new InputError(`user "${name}" already exists`);
    const [emailTaken] = await tx.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
    if (emailTaken) throw new InputError(`email "${email}" already belongs to an account`);
    const id = randomUUID();
    const [row] = await tx
      .insert(users)
      .values({ id, name, email, username: name, displayUsername: name, role, emailVerified: input.email === undefined })
      .returning();
    await tx.insert(accounts).values({ id: randomUUID(), accountId: id, providerId: "credential", userId: id, password: passwordHash });
    return { user: account(row!), password };
  });
}

export async function listUsers(db: Db): Promise<Account[]> {
  return (await db.select().from(users).orderBy(users.createdAt)).map(account);
}

export async function setUserRole(db: Db, name: string, roleName: string): Promise<Account> {
  const role = checkRole(roleName);
  return db.transaction(async (tx) => {
    const target = await findUser(tx as unknown as Db, name);
    if (target.role === "admin" && role !== "admin") await keepOneAdmin(tx as unknown as Db, target.id);
    const [row] = await tx.update(users).set({ role, updatedAt: new Date() }).where(eq(users.id, target.id)).returning();
    return account(row!);
  });
}

/** Delete an account with its sessions and tokens; its verdicts stay, under its name. */
export async function removeUser(db: Db, name: string): Promise<Account> {
  return db.transaction(async (tx) => {
    const target = await findUser(tx as unknown as Db, name);
    if (target.role === "admin") await keepOneAdmin(tx as unknown as Db, target.id);
    await tx.delete(users).where(eq(users.id, target.id));
    return target;
  });
}

export async function countUsers(db: Db): Promise<number> {
  return (await db.select({ n: count() }).from(users))[0]!.n;
}

async function findUser(db: Db, name: string): Promise<Account> {
  // Accounts made here are found by user name; SSO accounts (no user name) by their email.
  const key = name.toLowerCase();
  const [row] = await db
    .select()
    .from(users)
    .where(or(eq(users.username, key), eq(users.email, key)))
    .limit(1);
  if (!row) throw new InputError(`no user named "${name}"`);
  return account(row);
}

/** Refuse to take away the last admin: nobody could manage accounts from the workbench after. */
async function keepOneAdmin(db: Db, leavingId: string) {
  const [others] = await db
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, "admin"), ne(users.id, leavingId)));
  if (!others?.n) throw new InputError("that is the last admin: make another admin first");
}

function account(row: typeof users.$inferSelect): Account {
  return {
    id: row.id,
    name: row.username ?? row.email,
    email: row.email,
    role: isRole(row.role) ? row.role : "viewer",
    createdAt: row.createdAt,
  };
}
