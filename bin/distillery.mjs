#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so the CLI shares the server's source as is.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../server/cli/main.ts");
const code = await main(process.argv.slice(2));
// Flush stdout before exiting (piped output would otherwise be cut).
process.stdout.write("", () => process.exit(code));
