CREATE TABLE "alert_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"rule_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"period_start" text NOT NULL,
	"value" real,
	"bound" real,
	"message" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by" text,
	"webhook_status" text NOT NULL,
	"webhook_attempts" integer DEFAULT 0 NOT NULL,
	"webhook_next_at" timestamp with time zone,
	"webhook_error" text
);
--> statement-breakpoint
CREATE TABLE "alert_rules" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"code" text,
	"name" text NOT NULL,
	"metric" jsonb NOT NULL,
	"granularity" text NOT NULL,
	"condition" jsonb NOT NULL,
	"consecutive" integer NOT NULL,
	"severity" text NOT NULL,
	"enabled" boolean NOT NULL,
	"webhook_url" text,
	"webhook_secret" text,
	"plan" text,
	"state" text DEFAULT 'ok' NOT NULL,
	"streak" integer DEFAULT 0 NOT NULL,
	"evaluated_through" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "alert_events_once" ON "alert_events" USING btree ("rule_id","kind","period_start");--> statement-breakpoint
CREATE INDEX "alert_events_workspace" ON "alert_events" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "alert_events_webhook_due" ON "alert_events" USING btree ("webhook_status","webhook_next_at");--> statement-breakpoint
CREATE UNIQUE INDEX "alert_rules_code" ON "alert_rules" USING btree ("workspace_id","code");--> statement-breakpoint
CREATE INDEX "alert_rules_workspace" ON "alert_rules" USING btree ("workspace_id");