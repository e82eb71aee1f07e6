// `distillery users`: team-mode accounts. `users add NAME --role admin` on the machine that holds
// the database makes the first admin; after that an admin's token does the same through the API.
import { withApi } from "@/server/client/api";
import { isRole, ROLES } from "@/server/auth/roles";
import { jsonOption, stringFlag, UsageError, type Command } from "../command";
import { printJson, table } from "../format";

function roleFlag(value: string | undefined, sub: string): string {
  if (!value) throw new UsageError(`users ${sub}: --role is required (${ROLES.join(", ")})`);
  if (!isRole(value)) throw new UsageError(`--role "${value}": must be one of ${ROLES.join(", ")}`);
  return value;
}

export const usersCommand: Command = {
  name: "users",
  summary: "team-mode accounts: add one (prints a one-time password), list, change a role, remove",
  usage: "add NAME --role ROLE [--email E] | list | role NAME --role ROLE | remove NAME",
  subcommands: ["add", "list", "role", "remove"],
  options: {
    role: { type: "string", help: `one of ${ROLES.join(", ")}` },
    email: { type: "string", help: "the account's email (OIDC sign-in matches on it)" },
    ...jsonOption,
  },
  async run(args) {
    const [sub, name] = args.positionals;
    if (sub !== "list" && !name) throw new UsageError(`users ${sub}: give a user name`);
    const role = sub === "add" || sub === "role" ? roleFlag(stringFlag(args, "role"), sub) : undefined;
    const result = await withApi(async (api) => {
      if (sub === "add") return api.users.add.mutate({ name: name!, role: role!, email: stringFlag(args, "email") });
      if (sub === "role") return api.users.setRole.mutate({ name: name!, role: role! });
      if (sub === "remove") return api.users.remove.mutate({ name: name! });
      return api.users.list.query();
    });
    if (args.values.json) return printJson(result);
    if (Array.isArray(result)) {
      return console.log(
        table(result.map((u) => ({ user: u.name, role: u.role, email: u.email, created: u.createdAt.toISOString().slice(0, 10) }))),
      );
    }
    if ("password" in result) {
      console.log(`Added ${result.user.name} (${result.user.role}). One-time password, shown only now:\n\n  ${result.password}\n`);
      return console.log(`Sign in at the workbench's /sign-in, or from the CLI: npx distillery login URL --user ${result.user.name}`);
    }
    console.log(sub === "remove" ? `Removed ${result.name}.` : `${result.name} is now ${result.role}.`);
  },
};
