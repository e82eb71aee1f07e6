// Who is calling the API. An HTTP request always has an actor or null (team mode, nobody signed
// in); an in-process caller (the CLI or a test that opened the database itself) has none at all,
// since whoever can open the database already has every right the workbench could grant.
import type { Role } from "./roles";

export type Actor = {
  /** Shown on verdicts: the user name in team mode, the chosen display name in single-user mode. */
  name: string;
  role: Role;
  /** The account id in team mode; null in single-user mode, where a name is only a label. */
  userId: string | null;
};
