CREATE TABLE "segment_members" (
	"workspace_id" uuid NOT NULL,
	"segment_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"entered_at" timestamp with time zone NOT NULL,
	CONSTRAINT "segment_members_segment_id_profile_id_pk" PRIMARY KEY("segment_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "segment_settings" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segment_size_history" (
	"workspace_id" uuid NOT NULL,
	"segment_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"size" integer NOT NULL,
	"entered" integer NOT NULL,
	"exited" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"rule" jsonb NOT NULL,
	"refresh_every_minutes" integer NOT NULL,
	"size" integer,
	"last_refreshed_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "segment_members_profile_idx" ON "segment_members" USING btree ("workspace_id","profile_id");--> statement-breakpoint
CREATE INDEX "segment_size_history_segment_idx" ON "segment_size_history" USING btree ("segment_id","at");--> statement-breakpoint
CREATE INDEX "segments_workspace_idx" ON "segments" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE INDEX "segments_due_idx" ON "segments" USING btree ("last_refreshed_at");