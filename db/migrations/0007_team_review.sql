CREATE TABLE "review_queues" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"filter" jsonb NOT NULL,
	"trajectory_ids" jsonb NOT NULL,
	"annotators_per_item" integer DEFAULT 1 NOT NULL,
	"blind" boolean NOT NULL,
	"allowed" jsonb,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "verdict_batches" (
	"id" serial PRIMARY KEY NOT NULL,
	"user_name" text NOT NULL,
	"user_id" text,
	"verdict" text NOT NULL,
	"reason" text,
	"note" text,
	"filter" jsonb NOT NULL,
	"count" integer NOT NULL,
	"undone_at" timestamp with time zone,
	"undone_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "verdict_events" (
	"id" serial PRIMARY KEY NOT NULL,
	"trajectory_id" integer NOT NULL,
	"user_name" text NOT NULL,
	"user_id" text,
	"action" text NOT NULL,
	"verdict" text NOT NULL,
	"reason" text,
	"before" text,
	"after" text,
	"batch_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "kind" text DEFAULT 'verdict' NOT NULL;--> statement-breakpoint
ALTER TABLE "annotations" ADD COLUMN "batch_id" integer;--> statement-breakpoint
ALTER TABLE "verdict_batches" ADD CONSTRAINT "verdict_batches_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verdict_events" ADD CONSTRAINT "verdict_events_trajectory_id_trajectories_id_fk" FOREIGN KEY ("trajectory_id") REFERENCES "public"."trajectories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verdict_events" ADD CONSTRAINT "verdict_events_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "verdict_events" ADD CONSTRAINT "verdict_events_batch_id_verdict_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."verdict_batches"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "review_queues_name_key" ON "review_queues" USING btree ("name");--> statement-breakpoint
CREATE INDEX "verdict_events_trajectory_idx" ON "verdict_events" USING btree ("trajectory_id","created_at");--> statement-breakpoint
CREATE INDEX "verdict_events_time_idx" ON "verdict_events" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_batch_id_verdict_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."verdict_batches"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "annotations_batch_idx" ON "annotations" USING btree ("batch_id");