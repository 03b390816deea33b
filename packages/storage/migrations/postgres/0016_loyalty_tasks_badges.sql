CREATE TABLE "loyalty_task_progress" (
	"workspace_id" uuid NOT NULL,
	"task_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"period_key" text NOT NULL,
	"counts" jsonb NOT NULL,
	"completed_at" timestamp with time zone,
	"reward_points" integer,
	"reward_coupon_id" uuid,
	"reward_coupon_error" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "loyalty_task_progress_workspace_id_task_id_profile_id_period_key_pk" PRIMARY KEY("workspace_id","task_id","profile_id","period_key")
);
--> statement-breakpoint
CREATE TABLE "loyalty_tasks" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"window_days" integer,
	"steps" jsonb NOT NULL,
	"reward_points" integer,
	"reward_template_id" uuid,
	"status" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"active_from" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "loyalty_badge_holdings" (
	"workspace_id" uuid NOT NULL,
	"badge_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"granted_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "loyalty_badge_holdings_workspace_id_badge_id_profile_id_pk" PRIMARY KEY("workspace_id","badge_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "loyalty_badges" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"code" text NOT NULL,
	"name_zh" text NOT NULL,
	"name_en" text DEFAULT '' NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"kind" text NOT NULL,
	"rule" jsonb NOT NULL,
	"revoke_when_no_longer_matching" boolean DEFAULT false NOT NULL,
	"reward_points" integer,
	"status" text NOT NULL,
	"last_evaluated_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "loyalty_task_progress_profile_idx" ON "loyalty_task_progress" USING btree ("workspace_id","profile_id");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_tasks_code_uq" ON "loyalty_tasks" USING btree ("workspace_id","code");--> statement-breakpoint
CREATE INDEX "loyalty_badge_holdings_profile_idx" ON "loyalty_badge_holdings" USING btree ("workspace_id","profile_id");--> statement-breakpoint
CREATE UNIQUE INDEX "loyalty_badges_code_uq" ON "loyalty_badges" USING btree ("workspace_id","code");