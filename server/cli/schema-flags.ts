// The signature is the config: a command's flags are derived from the zod schema of its config
// (camelCase key → --kebab-case flag; a boolean that defaults to true also gets --no-…), and flag
// values are validated by that same schema, so the CLI, the tRPC input and the stored config can
// never drift apart.
import { z } from "zod";
import { displayNumber } from "@/server/contracts/train-config";
import { UsageError, type OptionSpec, type ParsedArgs } from "./command";

type Kind = "string" | "number" | "boolean" | "string[]";

const kebab = (key: string) => key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase());

function kindOf(schema: z.ZodType): Kind {
  let def = (schema as unknown as { _zod: { def: { type: string; innerType?: z.ZodType; element?: z.ZodType } } })._zod.def;
  while ((def.type === "optional" || def.type === "default" || def.type === "nullable") && def.innerType) {
    def = (def.innerType as unknown as { _zod: { def: typeof def } })._zod.def;
  }
  if (def.type === "number" || def.type === "int") return "number";
  if (def.type === "boolean") return "boolean";
  if (def.type === "array") return "string[]";
  return "string";
}

/** A boolean field whose default is true: only a --no-… flag can change it. */
function defaultsTrue(schema: z.ZodType): boolean {
  const parsed = (schema as z.ZodType<unknown>).safeParse(undefined);
  return kindOf(schema) === "boolean" && parsed.success && parsed.data === true;
}

export function optionsFromSchema(schema: z.ZodObject, help: Record<string, string>, skip: string[] = []): Record<string, OptionSpec> {
  const options: Record<string, OptionSpec> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    if (skip.includes(key)) continue;
    const kind = kindOf(field as z.ZodType);
    options[kebab(key)] = {
      type: kind === "boolean" ? "boolean" : "string",
      multiple: kind === "string[]" || undefined,
      help: help[key] ?? key,
    };
    if (defaultsTrue(field as z.ZodType)) options[`no-${kebab(key)}`] = { type: "boolean", help: `turn off --${kebab(key)}` };
  }
  return options;
}

/** Each flag's help from the schema itself: a field's description and its default. */
export function helpFromSchema(schema: z.ZodObject): Record<string, string> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
  const properties = (json.properties ?? {}) as Record<string, { description?: string; default?: unknown }>;
  const help: Record<string, string> = {};
  for (const [key, property] of Object.entries(properties)) {
    if (property.description === undefined) continue;
    help[key] =
      property.default === undefined
        ? property.description
        : `${property.description} (default ${typeof property.default === "number" ? displayNumber(property.default) : String(property.default)})`;
  }
  return help;
}

/** Turn parsed flags into a validated config; a bad value names its flag (exit code 2). */
export function inputFromFlags<S extends z.ZodObject>(schema: S, args: ParsedArgs, skip: string[] = []): z.output<S> {
  const input: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape)) {
    if (skip.includes(key)) continue;
    const raw = args.values[kebab(key)];
    if (args.values[`no-${kebab(key)}`] === true) {
      if (raw !== undefined) throw new UsageError(`--${kebab(key)} and --no-${kebab(key)} contradict each other`);
      input[key] = false;
      continue;
    }
    if (raw === undefined) continue;
    if (kindOf(field as z.ZodType) === "number") {
      const value = Number(raw);
      if (raw === "" || !Number.isFinite(value)) throw new UsageError(`--${kebab(key)} must be a number, got "${String(raw)}"`);
      input[key] = value;
    } else input[key] = raw;
  }
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw usageErrorFromZod(parsed.error);
  return parsed.data;
}

export function usageErrorFromZod(error: z.ZodError): UsageError {
  const issue = error.issues[0]!;
  const key = issue.path[0];
  const flag = typeof key === "string" ? `--${kebab(key)}` : "input";
  const message = issue.code === "invalid_type" && issue.input === undefined ? "is required" : issue.message;
  return new UsageError(`${flag} ${message}`);
}
