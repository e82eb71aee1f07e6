// Entry point of `npx distillery`. Commands are listed in ./commands/index.ts in pipeline order.
import { TRPCClientError } from "@trpc/client";
import { InputError } from "@/server/errors";
import { DatabaseBusyError } from "@/server/runtime/owner";
import { commands } from "./commands";
import { helpText, parseCommandArgs, UsageError } from "./command";
import { redact } from "@/server/endpoints/redact";

function topLevelHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    "distillery — agent distillation workbench",
    "",
    "usage: npx distillery <command> [flags]   (npx distillery <command> --help for its flags)",
    "",
    ...commands.map((c) => `  ${c.name.padEnd(width)} ${c.summary}`),
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(topLevelHelp());
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`distillery: unknown command "${name}" (see npx distillery --help)`);
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(helpText(command));
    return 0;
  }
  try {
    const args = parseCommandArgs(command, rest);
    if (command.subcommands && !command.subcommands.includes(args.positionals[0] ?? "")) {
      throw new UsageError(`${command.name}: expected one of ${command.subcommands.join("|")}`);
    }
    return (await command.run(args)) ?? 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof InputError) {
      console.error(`distillery: ${redact(err.message)}`);
      return 2;
    }
    if (err instanceof TRPCClientError) {
      // Errors from the API (in-process or a running workbench): one line, no stack, no secrets.
      console.error(`distillery: ${redact(err.message)}`);
      return err.data?.code === "BAD_REQUEST" || err.data?.code === "NOT_FOUND" ? 2 : 1;
    }
    if (err instanceof DatabaseBusyError) {
      console.error(`distillery: ${err.message}; try again when it finishes`);
      return 1;
    }
    // A bug: the stack helps, but it may quote a URL or a server's reply, so it is redacted too.
    console.error(redact(err instanceof Error ? (err.stack ?? err.message) : String(err)));
    return 1;
  }
}
