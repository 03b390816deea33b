CREATE TABLE "inbox_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"url" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"read_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "message_templates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"content" jsonb NOT NULL,
	"default_locale" text NOT NULL,
	"variables" text[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messaging_secrets" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messaging_suppressions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"channel" text,
	"address" text NOT NULL,
	"note" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "triggered_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "inbox_items_message" ON "inbox_items" USING btree ("message_id");--> statement-breakpoint
CREATE INDEX "inbox_items_profile" ON "inbox_items" USING btree ("workspace_id","profile_id","created_at");--> statement-breakpoint
CREATE INDEX "message_templates_workspace" ON "message_templates" USING btree ("workspace_id","name");--> statement-breakpoint
CREATE INDEX "messaging_suppressions_address" ON "messaging_suppressions" USING btree ("workspace_id","address");