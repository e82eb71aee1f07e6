ALTER TABLE "datasets" ADD COLUMN "max_run_id" integer;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "max_trajectory_id" integer;--> statement-breakpoint
ALTER TABLE "datasets" ADD COLUMN "max_verdict_event_id" integer;--> statement-breakpoint
-- Versions made before these columns existed: the best their times can say.
UPDATE "datasets" d SET
  "max_run_id" = (SELECT coalesce(max(r."id"), 0) FROM "runs" r WHERE r."created_at" <= d."created_at"),
  "max_trajectory_id" = (SELECT coalesce(max(t."id"), 0) FROM "trajectories" t WHERE t."created_at" <= d."created_at"),
  "max_verdict_event_id" = (SELECT coalesce(max(e."id"), 0) FROM "verdict_events" e WHERE e."created_at" <= d."created_at");--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "max_run_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "max_trajectory_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "datasets" ALTER COLUMN "max_verdict_event_id" SET NOT NULL;
