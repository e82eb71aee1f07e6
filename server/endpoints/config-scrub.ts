// The belt to resolveRunConfig's braces: before any config is stored in jobs.config, every string
// in it that is an http(s) URL loses its credentials, wherever in the object it sits.
import { withoutUrlCredentials } from "./url";

export function scrubConfig<T>(value: T): T {
  if (typeof value === "string") return withoutUrlCredentials(value) as T;
  if (Array.isArray(value)) return value.map(scrubConfig) as T;
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubConfig(v)])) as T;
  }
  return value;
}
