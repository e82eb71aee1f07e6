// The shape of one CLI command. Flags are declared once, parsed strictly (an unknown or
// malformed flag is a usage error: one line, exit code 2) and handed to `run` typed.
import { parseArgs, type ParseArgsConfig } from "node:util";

export type OptionSpec = {
  type: "string" | "boolean";
  multiple?: boolean;
  short?: string;
  /** One line for --help. */
  help: string;
  default?: string | boolean;
};

export type ParsedArgs = {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
};

export type Command = {
  name: string;
  summary: string;
  /** e.g. "QUERY [--k N]" — shown in help after the command name. */
  usage?: string;
  options: Record<string, OptionSpec>;
  /** Names of sub-commands handled by `run` via positionals[0] (e.g. runs list|show). */
  subcommands?: string[];
  /** Returns the process exit code (0 when omitted). */
  run: (args: ParsedArgs) => Promise<number | void>;
};

/** An input or configuration error the user can fix: printed as one line, exit code 2. */
export class UsageError extends Error {}

export const jsonOption: Record<string, OptionSpec> = {
  json: { type: "boolean", help: "print machine-readable JSON instead of tables" },
};

export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  const options: ParseArgsConfig["options"] = {};
  for (const [name, spec] of Object.entries(command.options)) {
    options[name] = Object.fromEntries(
      Object.entries({ type: spec.type, multiple: spec.multiple, short: spec.short, default: spec.default }).filter(
        ([, v]) => v !== undefined,
      ),
    ) as unknown as NonNullable<ParseArgsConfig["options"]>[string];
  }
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: parsed.values as ParsedArgs["values"], positionals: parsed.positionals };
  } catch (err) {
    throw new UsageError(`${command.name}: ${(err as Error).message.split(/\.\s/)[0]}`);
  }
}

/** Read a string flag as an integer within bounds, naming the flag when it is wrong. */
export function intFlag(args: ParsedArgs, name: string, fallback: number, bounds: { min?: number; max?: number } = {}): number {
  const raw = args.values[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new UsageError(`--${name} must be an integer, got "${String(raw)}"`);
  if (bounds.min !== undefined && value < bounds.min) throw new UsageError(`--${name} must be ≥ ${bounds.min}`);
  if (bounds.max !== undefined && value > bounds.max) throw new UsageError(`--${name} must be ≤ ${bounds.max}`);
  return value;
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const raw = args.values[name];
  return typeof raw === "string" ? raw : undefined;
}

export function helpText(command: Command): string {
  const lines = [`distillery ${command.name}${command.usage ? " " + command.usage : ""}`, "", command.summary, ""];
  for (const [name, spec] of Object.entries(command.options)) {
    const flag = spec.type === "string" ? `--${name} VALUE` : `--${name}`;
    lines.push(`  ${flag.padEnd(28)} ${spec.help}`);
  }
  return lines.join("\n");
}
