CREATE TABLE "journey_runs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"journey_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"profile_id" uuid NOT NULL,
	"status" text NOT NULL,
	"holdout" boolean NOT NULL,
	"current_node_id" text,
	"step_count" integer DEFAULT 0 NOT NULL,
	"entry_key" text NOT NULL,
	"entered_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone,
	"trigger_kind" text NOT NULL,
	"trigger_event" text,
	"trigger_properties" jsonb NOT NULL,
	"trigger_seq" bigint,
	"triggered_at" timestamp with time zone NOT NULL,
	"context" jsonb NOT NULL,
	"due_at" timestamp with time zone,
	"wait_event" text,
	"wait_where" jsonb,
	"goal_until" timestamp with time zone,
	"goal_reached_at" timestamp with time zone,
	"goal_revenue_minor" bigint,
	"error" text,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journey_steps" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"journey_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"step_no" integer NOT NULL,
	"node_id" text NOT NULL,
	"entered_at" timestamp with time zone NOT NULL,
	"outcome" text NOT NULL,
	"detail" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journey_store_tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"journey_id" uuid NOT NULL,
	"run_id" uuid NOT NULL,
	"node_id" text NOT NULL,
	"task_key" text NOT NULL,
	"profile_id" uuid NOT NULL,
	"store_id" text,
	"title" text NOT NULL,
	"note" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"completed_at" timestamp with time zone,
	"completed_by" text
);
--> statement-breakpoint
CREATE TABLE "journey_trigger_counts" (
	"journey_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"day" date NOT NULL,
	"count" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journey_versions" (
	"journey_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"workspace_id" uuid NOT NULL,
	"graph" jsonb NOT NULL,
	"settings" jsonb NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"published_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journeys" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"graph" jsonb NOT NULL,
	"settings" jsonb NOT NULL,
	"status" text NOT NULL,
	"live_version" integer,
	"playbook" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "journey_runs_entry" ON "journey_runs" USING btree ("journey_id","entry_key");--> statement-breakpoint
CREATE UNIQUE INDEX "journey_runs_one_active" ON "journey_runs" USING btree ("journey_id","profile_id") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "journey_runs_due" ON "journey_runs" USING btree ("due_at") WHERE status = 'active';--> statement-breakpoint
CREATE INDEX "journey_runs_profile" ON "journey_runs" USING btree ("workspace_id","profile_id");--> statement-breakpoint
CREATE INDEX "journey_runs_journey" ON "journey_runs" USING btree ("journey_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "journey_steps_run" ON "journey_steps" USING btree ("run_id","step_no");--> statement-breakpoint
CREATE INDEX "journey_steps_node" ON "journey_steps" USING btree ("journey_id","node_id","outcome");--> statement-breakpoint
CREATE UNIQUE INDEX "journey_store_tasks_key" ON "journey_store_tasks" USING btree ("workspace_id","task_key");--> statement-breakpoint
CREATE INDEX "journey_store_tasks_list" ON "journey_store_tasks" USING btree ("workspace_id","status","store_id");--> statement-breakpoint
CREATE UNIQUE INDEX "journey_trigger_counts_pk" ON "journey_trigger_counts" USING btree ("journey_id","profile_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "journey_versions_pk" ON "journey_versions" USING btree ("journey_id","version");--> statement-breakpoint
CREATE INDEX "journeys_workspace" ON "journeys" USING btree ("workspace_id","status");