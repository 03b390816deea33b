CREATE TABLE "messages" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"profile_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"category" text NOT NULL,
	"purpose" text NOT NULL,
	"template_id" uuid,
	"address" text,
	"variables" jsonb NOT NULL,
	"rendered" jsonb,
	"status" text NOT NULL,
	"reason" text,
	"source_kind" text NOT NULL,
	"journey_id" uuid,
	"journey_version" integer,
	"node_id" text,
	"run_id" uuid,
	"broadcast_id" uuid,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"provider_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "messages_idempotency" ON "messages" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "messages_due" ON "messages" USING btree ("due_at");--> statement-breakpoint
CREATE INDEX "messages_profile" ON "messages" USING btree ("workspace_id","profile_id","created_at");--> statement-breakpoint
CREATE INDEX "messages_journey" ON "messages" USING btree ("workspace_id","journey_id","node_id");