CREATE TABLE "activity_awards" (
	"workspace_id" uuid NOT NULL,
	"rule_code" text NOT NULL,
	"message_id" text NOT NULL,
	"profile_id" uuid NOT NULL,
	"day" date NOT NULL,
	"points" integer NOT NULL,
	"entry_id" uuid NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	CONSTRAINT "activity_awards_workspace_id_rule_code_message_id_pk" PRIMARY KEY("workspace_id","rule_code","message_id")
);
--> statement-breakpoint
CREATE TABLE "check_ins" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"day" date NOT NULL,
	"kind" text NOT NULL,
	"streak" integer NOT NULL,
	"points" integer NOT NULL,
	"bonus" integer NOT NULL,
	"entry_id" uuid,
	"source" text NOT NULL,
	"idempotency_key" text,
	"actor" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "makeup_card_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"delta" integer NOT NULL,
	"reason" text,
	"source" text NOT NULL,
	"idempotency_key" text,
	"day" date,
	"actor" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "activity_awards_member_idx" ON "activity_awards" USING btree ("workspace_id","profile_id","rule_code","day");--> statement-breakpoint
CREATE INDEX "activity_awards_day_idx" ON "activity_awards" USING btree ("workspace_id","rule_code","day");--> statement-breakpoint
CREATE UNIQUE INDEX "check_ins_day_uq" ON "check_ins" USING btree ("workspace_id","profile_id","day");--> statement-breakpoint
CREATE UNIQUE INDEX "check_ins_key_uq" ON "check_ins" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE UNIQUE INDEX "makeup_card_entries_key_uq" ON "makeup_card_entries" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "makeup_card_entries_profile_idx" ON "makeup_card_entries" USING btree ("workspace_id","profile_id");