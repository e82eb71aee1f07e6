CREATE TABLE "token_scores" (
	"trajectory_id" integer PRIMARY KEY NOT NULL,
	"student" text NOT NULL,
	"teacher" text NOT NULL,
	"scores" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "token_scores" ADD CONSTRAINT "token_scores_trajectory_id_trajectories_id_fk" FOREIGN KEY ("trajectory_id") REFERENCES "public"."trajectories"("id") ON DELETE cascade ON UPDATE no action;