// Every CLI command, in the order of the pipeline: data → models → tools → runs → datasets → training.
import type { Command } from "../command";
import { benchmarksCommand } from "./benchmarks";
import { compareCommand } from "./compare";
import { distillCommand } from "./distill";
import { datasetCommand, exportSftCommand, importCommand } from "./datasets";
import { experimentCommand } from "./experiment";
import { generateCommand } from "./generate";
import { answerableCommand, importBenchmarks } from "./import-benchmarks";
import { jobsCommand } from "./jobs";
import { loginCommand, logoutCommand } from "./login";
import { runsCommand } from "./runs";
import { sandboxCommand } from "./sandbox";
import { searchCommand } from "./search";
import { serveModelCommand } from "./serve-model";
import { trainCommand } from "./train";
import { usersCommand } from "./users";

export const commands: Command[] = [
  importBenchmarks,
  benchmarksCommand,
  answerableCommand,
  serveModelCommand,
  sandboxCommand,
  searchCommand,
  generateCommand,
  runsCommand,
  datasetCommand,
  exportSftCommand,
  importCommand,
  trainCommand,
  distillCommand,
  jobsCommand,
  experimentCommand,
  compareCommand,
  // accounts (team mode)
  usersCommand,
  loginCommand,
  logoutCommand,
];
