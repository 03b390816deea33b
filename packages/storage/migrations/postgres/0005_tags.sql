CREATE TABLE "profile_tags" (
	"workspace_id" uuid NOT NULL,
	"tag_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"source" text NOT NULL,
	"added_at" timestamp with time zone NOT NULL,
	"added_by" text,
	CONSTRAINT "profile_tags_tag_id_profile_id_pk" PRIMARY KEY("tag_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "tag_groups" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"exclusive" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tag_settings" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tags" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"group_id" uuid,
	"name" text NOT NULL,
	"color" text,
	"kind" text NOT NULL,
	"definition" jsonb,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"last_computed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "profile_tags_profile_idx" ON "profile_tags" USING btree ("workspace_id","profile_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tag_groups_workspace_name_uq" ON "tag_groups" USING btree ("workspace_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "tags_workspace_group_name_uq" ON "tags" USING btree ("workspace_id","group_id","name") WHERE group_id is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "tags_workspace_ungrouped_name_uq" ON "tags" USING btree ("workspace_id","name") WHERE group_id is null;--> statement-breakpoint
CREATE INDEX "tags_workspace_group_idx" ON "tags" USING btree ("workspace_id","group_id");