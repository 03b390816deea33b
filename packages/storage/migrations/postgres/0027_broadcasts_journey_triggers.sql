CREATE TABLE "broadcast_recipients" (
	"broadcast_id" uuid NOT NULL,
	"occurrence" integer NOT NULL,
	"ordinal" integer NOT NULL,
	"profile_id" uuid NOT NULL,
	CONSTRAINT "broadcast_recipients_broadcast_id_occurrence_ordinal_pk" PRIMARY KEY("broadcast_id","occurrence","ordinal")
);
--> statement-breakpoint
CREATE TABLE "broadcasts" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"segment_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"template_id" uuid NOT NULL,
	"category" text NOT NULL,
	"start_at" timestamp with time zone NOT NULL,
	"repeat_every_days" integer,
	"per_minute" integer NOT NULL,
	"status" text NOT NULL,
	"next_at" timestamp with time zone,
	"occurrence" integer DEFAULT 0 NOT NULL,
	"occurrence_started_at" timestamp with time zone,
	"queued" integer DEFAULT 0 NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "journey_trigger_fires" (
	"workspace_id" uuid NOT NULL,
	"journey_id" uuid NOT NULL,
	"entry_key" text NOT NULL,
	"profile_id" uuid NOT NULL,
	"fired_at" timestamp with time zone NOT NULL,
	CONSTRAINT "journey_trigger_fires_journey_id_entry_key_pk" PRIMARY KEY("journey_id","entry_key")
);
--> statement-breakpoint
CREATE INDEX "broadcasts_workspace_idx" ON "broadcasts" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE INDEX "broadcasts_due_idx" ON "broadcasts" USING btree ("status","next_at");--> statement-breakpoint
CREATE INDEX "journey_trigger_fires_at_idx" ON "journey_trigger_fires" USING btree ("fired_at");