CREATE TABLE "profile_scores" (
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"rfm_r" smallint,
	"rfm_f" smallint,
	"rfm_m" smallint,
	"recency_days" integer,
	"frequency" integer,
	"monetary" double precision,
	"rfm_cell" text,
	"rfm_layer" text,
	"lifecycle_stage" text,
	"value_tier" text,
	"spend_minor" double precision NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "profile_scores_workspace_id_profile_id_pk" PRIMARY KEY("workspace_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "scores_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"trigger" text NOT NULL,
	"computed_at" timestamp with time zone NOT NULL,
	"duration_ms" integer NOT NULL,
	"summary" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scores_settings" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "scores_runs_workspace_idx" ON "scores_runs" USING btree ("workspace_id","computed_at");