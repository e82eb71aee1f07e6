ALTER TABLE "trajectories" ADD COLUMN "latest_verdict" text;--> statement-breakpoint
CREATE INDEX "trajectories_run_verdict_idx" ON "trajectories" USING btree ("run_id","latest_verdict");