ALTER TABLE "models" RENAME TO "students";--> statement-breakpoint
ALTER TABLE "runs" RENAME COLUMN "model_id" TO "student_id";--> statement-breakpoint
ALTER TABLE "students" DROP CONSTRAINT "models_name_unique";--> statement-breakpoint
ALTER TABLE "runs" DROP CONSTRAINT "runs_model_id_models_id_fk";
--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_student_id_students_id_fk" FOREIGN KEY ("student_id") REFERENCES "public"."students"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "students" ADD CONSTRAINT "students_name_unique" UNIQUE("name");