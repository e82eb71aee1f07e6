// Numeric settings from the environment, read one way: unset or blank means the default; anything
// else must be a whole number in range, or it is refused in one line naming the setting (start-up
// turns that line into its refusal: server/auth/startup.ts).
import { InputError } from "@/server/errors";
import type { Env } from "./mode";

export function wholeNumberSetting(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new InputError(`${name}: expected a whole number from ${min} to ${max}, got "${raw}"`);
  return value;
}
