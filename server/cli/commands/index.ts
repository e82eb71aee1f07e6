// Every CLI command, in the order of the pipeline: data → models → tools → runs → datasets → training.
import type { Command } from "../command";
import { importBenchmarks } from "./import-benchmarks";

export const commands: Command[] = [importBenchmarks];
