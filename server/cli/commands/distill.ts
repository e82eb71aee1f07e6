import { ZodError } from "zod";
import { connectApi } from "@/server/client/api";
import { runOrFollowJob } from "@/server/client/follow-job";
import { distillConfigInput, resolveDistillConfig } from "@/server/distill/config";
import type { RoundResult } from "@/server/distill/job";
import { jobHandlers } from "@/server/wiring/job-handlers";
import type { Command } from "../command";
import { printJson, table } from "../format";
import { helpFromSchema, inputFromFlags, optionsFromSchema, usageErrorFromZod } from "../schema-flags";

export const distillCommand: Command = {
  name: "distill",
  summary: "on-policy distillation: the student acts, the teacher scores its tokens, reverse-KL updates; resumable",
  usage: "--student MODEL --benchmark NAME [--teacher MODEL] [--rounds R] [--episodes-per-round E] [overrides]",
  options: { ...optionsFromSchema(distillConfigInput, helpFromSchema(distillConfigInput)), json: { type: "boolean", help: "print JSON" } },
  async run(args) {
    const input = inputFromFlags(distillConfigInput, args);
    try {
      resolveDistillConfig(input);
    } catch (err) {
      if (err instanceof ZodError) throw usageErrorFromZod(err);
      throw err;
    }
    const conn = await connectApi();
    try {
      const { jobId, name } = await conn.api.training.distill.mutate(input);
      if (!args.values.json) console.error(`distilling ${name} (job ${jobId}, via ${conn.via})`);
      const job = await runOrFollowJob(conn, jobId, name, jobHandlers().distill!);
      if (args.values.json) return printJson({ id: job.id, status: job.status, result: job.result, error: job.error });
      if (job.status !== "succeeded") {
        console.error(`distillery: distillation ${name} ${job.status}: ${job.error ?? "see npx distillery jobs show " + job.id}`);
        return job.status === "cancelled" ? 130 : 1;
      }
      const result = job.result as { rounds: RoundResult[] };
      console.log(
        table(
          result.rounds.map(({ round, student, episodes, reverseKl, heldoutAccuracy }) => ({
            round,
            student,
            episodes,
            reverseKl,
            heldoutAccuracy: heldoutAccuracy ?? "",
          })),
        ),
      );
    } finally {
      await conn.close();
    }
  },
};
