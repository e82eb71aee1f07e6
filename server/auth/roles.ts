// The four roles of team mode, each a superset of the one before it: a viewer reads, an annotator
// also gives verdicts, a researcher also launches runs, builds datasets, trains and runs
// experiments and jobs, an admin also manages accounts and endpoints.
export const ROLES = ["viewer", "annotator", "researcher", "admin"] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === "string" && (ROLES as readonly string[]).includes(value);
}

/** True when `role` may do what `least` may. */
export function roleAllows(role: Role, least: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(least);
}
