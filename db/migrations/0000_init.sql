CREATE TABLE "annotations" (
	"id" serial PRIMARY KEY NOT NULL,
	"trajectory_id" integer NOT NULL,
	"user_name" text NOT NULL,
	"verdict" text NOT NULL,
	"reason" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "benchmarks" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"split" text NOT NULL,
	"title" text NOT NULL,
	"source_file" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "candidates" (
	"id" serial PRIMARY KEY NOT NULL,
	"step_id" integer NOT NULL,
	"idx" integer NOT NULL,
	"raw_text" text NOT NULL,
	"parse_ok" boolean NOT NULL,
	"exec_ok" boolean NOT NULL,
	"code" text,
	"output" text,
	"final_answer" text,
	"error" text,
	"vote_key" text,
	"votes" integer DEFAULT 0 NOT NULL,
	"chosen" boolean DEFAULT false NOT NULL,
	"mean_logprob" double precision
);
--> statement-breakpoint
CREATE TABLE "datasets" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"version" integer NOT NULL,
	"kind" text DEFAULT 'agent' NOT NULL,
	"filter" jsonb NOT NULL,
	"trajectory_ids" jsonb NOT NULL,
	"content_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "experiments" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"recipe" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "experiments_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "job_metrics" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "job_metrics_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"job_id" integer NOT NULL,
	"step" integer NOT NULL,
	"name" text NOT NULL,
	"value" double precision NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "jobs" (
	"id" serial PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"backend" text DEFAULT 'local' NOT NULL,
	"config" jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"experiment_id" integer,
	"progress" jsonb,
	"log_tail" text DEFAULT '' NOT NULL,
	"result" jsonb,
	"error" text,
	"external_id" text,
	"claimed_by" text,
	"heartbeat_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"base_model" text NOT NULL,
	"adapter_path" text,
	"endpoint" text,
	"train_job_id" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "models_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "questions" (
	"id" serial PRIMARY KEY NOT NULL,
	"benchmark_id" integer NOT NULL,
	"external_id" text NOT NULL,
	"position" integer NOT NULL,
	"question" text NOT NULL,
	"answer" text NOT NULL,
	"meta" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"experiment_id" integer,
	"role" text NOT NULL,
	"mode" text NOT NULL,
	"model_endpoint" text NOT NULL,
	"model_name" text NOT NULL,
	"model_id" integer,
	"config" jsonb NOT NULL,
	"tags" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"job_id" integer,
	"counters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "runs_name_unique" UNIQUE("name")
);
--> statement-breakpoint
CREATE TABLE "steps" (
	"id" serial PRIMARY KEY NOT NULL,
	"trajectory_id" integer NOT NULL,
	"idx" integer NOT NULL,
	"thought" text,
	"code" text,
	"observation" text,
	"error_kind" text,
	"error_text" text,
	"tool_calls" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"forced_final" boolean DEFAULT false NOT NULL,
	"tokens_in" integer DEFAULT 0 NOT NULL,
	"tokens_out" integer DEFAULT 0 NOT NULL,
	"latency_ms" integer DEFAULT 0 NOT NULL,
	"chosen_candidate" integer
);
--> statement-breakpoint
CREATE TABLE "trajectories" (
	"id" serial PRIMARY KEY NOT NULL,
	"run_id" integer NOT NULL,
	"question_id" integer NOT NULL,
	"sample_idx" integer DEFAULT 0 NOT NULL,
	"ftp_prefix" text,
	"final_answer" text,
	"status" text NOT NULL,
	"correct" boolean,
	"score" jsonb,
	"num_steps" integer DEFAULT 0 NOT NULL,
	"has_parse_error" boolean DEFAULT false NOT NULL,
	"has_exec_error" boolean DEFAULT false NOT NULL,
	"retrieval_calls" integer DEFAULT 0 NOT NULL,
	"tokens_in" integer DEFAULT 0 NOT NULL,
	"tokens_out" integer DEFAULT 0 NOT NULL,
	"latency_ms" integer DEFAULT 0 NOT NULL,
	"messages" jsonb,
	"error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "annotations" ADD CONSTRAINT "annotations_trajectory_id_trajectories_id_fk" FOREIGN KEY ("trajectory_id") REFERENCES "public"."trajectories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "candidates" ADD CONSTRAINT "candidates_step_id_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."steps"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_metrics" ADD CONSTRAINT "job_metrics_job_id_jobs_id_fk" FOREIGN KEY ("job_id") REFERENCES "public"."jobs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "questions" ADD CONSTRAINT "questions_benchmark_id_benchmarks_id_fk" FOREIGN KEY ("benchmark_id") REFERENCES "public"."benchmarks"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_experiment_id_experiments_id_fk" FOREIGN KEY ("experiment_id") REFERENCES "public"."experiments"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "steps" ADD CONSTRAINT "steps_trajectory_id_trajectories_id_fk" FOREIGN KEY ("trajectory_id") REFERENCES "public"."trajectories"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trajectories" ADD CONSTRAINT "trajectories_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "trajectories" ADD CONSTRAINT "trajectories_question_id_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."questions"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "annotations_trajectory_idx" ON "annotations" USING btree ("trajectory_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "benchmarks_name_split_key" ON "benchmarks" USING btree ("name","split");--> statement-breakpoint
CREATE UNIQUE INDEX "candidates_step_idx_key" ON "candidates" USING btree ("step_id","idx");--> statement-breakpoint
CREATE UNIQUE INDEX "datasets_name_version_key" ON "datasets" USING btree ("name","version");--> statement-breakpoint
CREATE UNIQUE INDEX "job_metrics_job_name_step_key" ON "job_metrics" USING btree ("job_id","name","step");--> statement-breakpoint
CREATE INDEX "jobs_status_idx" ON "jobs" USING btree ("status","id");--> statement-breakpoint
CREATE INDEX "jobs_kind_idx" ON "jobs" USING btree ("kind","id");--> statement-breakpoint
CREATE UNIQUE INDEX "questions_benchmark_external_key" ON "questions" USING btree ("benchmark_id","external_id");--> statement-breakpoint
CREATE INDEX "questions_benchmark_position_idx" ON "questions" USING btree ("benchmark_id","position");--> statement-breakpoint
CREATE INDEX "runs_experiment_idx" ON "runs" USING btree ("experiment_id");--> statement-breakpoint
CREATE INDEX "runs_status_idx" ON "runs" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "steps_trajectory_idx_key" ON "steps" USING btree ("trajectory_id","idx");--> statement-breakpoint
CREATE UNIQUE INDEX "trajectories_run_question_sample_key" ON "trajectories" USING btree ("run_id","question_id","sample_idx");--> statement-breakpoint
CREATE INDEX "trajectories_run_id_idx" ON "trajectories" USING btree ("run_id","id");--> statement-breakpoint
CREATE INDEX "trajectories_run_correct_idx" ON "trajectories" USING btree ("run_id","correct");--> statement-breakpoint
CREATE INDEX "trajectories_run_status_idx" ON "trajectories" USING btree ("run_id","status");--> statement-breakpoint
CREATE INDEX "trajectories_question_idx" ON "trajectories" USING btree ("question_id");