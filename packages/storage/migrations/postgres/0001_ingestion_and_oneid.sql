CREATE TABLE "events_consumer_offsets" (
	"consumer" text PRIMARY KEY NOT NULL,
	"position" bigint NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "events_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"message_id" text NOT NULL,
	"type" text NOT NULL,
	"event" text,
	"user_id" text,
	"anonymous_id" text,
	"ts" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"payload" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity_identifiers" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"type" text NOT NULL,
	"value" text NOT NULL,
	"profile_id" uuid NOT NULL,
	"origin_profile_id" uuid NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity_links" (
	"workspace_id" uuid NOT NULL,
	"a_id" uuid NOT NULL,
	"b_id" uuid NOT NULL,
	"message_id" text NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"verdict" text NOT NULL,
	"reason" text,
	"review" text,
	"reviewed_by" text,
	CONSTRAINT "identity_links_workspace_id_a_id_b_id_pk" PRIMARY KEY("workspace_id","a_id","b_id")
);
--> statement-breakpoint
CREATE TABLE "identity_merges" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"survivor_profile_id" uuid NOT NULL,
	"merged_profile_id" uuid NOT NULL,
	"survivor_identifier_ids" uuid[] NOT NULL,
	"merged_identifier_ids" uuid[] NOT NULL,
	"message_id" text,
	"at" timestamp with time zone NOT NULL,
	"split_at" timestamp with time zone,
	"split_by" text
);
--> statement-breakpoint
CREATE TABLE "identity_separations" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"left_ids" uuid[] NOT NULL,
	"right_ids" uuid[] NOT NULL,
	"merge_id" uuid,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "identity_settings" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "orders" (
	"workspace_id" uuid NOT NULL,
	"order_id" text NOT NULL,
	"identifier_id" uuid NOT NULL,
	"status" text NOT NULL,
	"total_minor" bigint NOT NULL,
	"refunded_minor" bigint DEFAULT 0 NOT NULL,
	"currency" text NOT NULL,
	"store_id" text,
	"coupon" text,
	"products" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"ordered_at" timestamp with time zone NOT NULL,
	"refunded_at" timestamp with time zone,
	"message_id" text NOT NULL,
	CONSTRAINT "orders_workspace_id_order_id_pk" PRIMARY KEY("workspace_id","order_id")
);
--> statement-breakpoint
CREATE TABLE "profile_activity" (
	"identifier_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"event_count" integer NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "profile_event_anchors" (
	"seq" bigint PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"identifier_id" uuid NOT NULL
);
--> statement-breakpoint
CREATE TABLE "profile_event_counts" (
	"identifier_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"event" text NOT NULL,
	"count" integer NOT NULL,
	"last_at" timestamp with time zone NOT NULL,
	CONSTRAINT "profile_event_counts_identifier_id_event_pk" PRIMARY KEY("identifier_id","event")
);
--> statement-breakpoint
CREATE TABLE "profile_traits" (
	"identifier_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"key" text NOT NULL,
	"value" jsonb NOT NULL,
	"ts" timestamp with time zone NOT NULL,
	"message_id" text NOT NULL,
	CONSTRAINT "profile_traits_identifier_id_key_pk" PRIMARY KEY("identifier_id","key")
);
--> statement-breakpoint
CREATE TABLE "profiles" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"merged_into" uuid,
	"traits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"name" text,
	"phone" text,
	"event_count" integer DEFAULT 0 NOT NULL,
	"first_seen_at" timestamp with time zone,
	"last_seen_at" timestamp with time zone,
	"order_count" integer DEFAULT 0 NOT NULL,
	"total_spend_minor" bigint DEFAULT 0 NOT NULL,
	"last_order_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "events_log_message_uq" ON "events_log" USING btree ("workspace_id","message_id");--> statement-breakpoint
CREATE INDEX "events_log_workspace_ts_idx" ON "events_log" USING btree ("workspace_id","ts");--> statement-breakpoint
CREATE UNIQUE INDEX "identity_identifiers_value_uq" ON "identity_identifiers" USING btree ("workspace_id","type","value");--> statement-breakpoint
CREATE INDEX "identity_identifiers_profile_idx" ON "identity_identifiers" USING btree ("workspace_id","profile_id");--> statement-breakpoint
CREATE INDEX "identity_links_b_idx" ON "identity_links" USING btree ("workspace_id","b_id");--> statement-breakpoint
CREATE INDEX "identity_links_verdict_idx" ON "identity_links" USING btree ("workspace_id","verdict");--> statement-breakpoint
CREATE INDEX "identity_merges_survivor_idx" ON "identity_merges" USING btree ("workspace_id","survivor_profile_id");--> statement-breakpoint
CREATE INDEX "identity_separations_workspace_idx" ON "identity_separations" USING btree ("workspace_id");--> statement-breakpoint
CREATE INDEX "orders_identifier_idx" ON "orders" USING btree ("identifier_id");--> statement-breakpoint
CREATE INDEX "profile_event_anchors_identifier_idx" ON "profile_event_anchors" USING btree ("identifier_id","seq");--> statement-breakpoint
CREATE INDEX "profiles_workspace_idx" ON "profiles" USING btree ("workspace_id","id");--> statement-breakpoint
CREATE INDEX "profiles_workspace_phone_idx" ON "profiles" USING btree ("workspace_id","phone");--> statement-breakpoint
CREATE INDEX "profiles_workspace_last_seen_idx" ON "profiles" USING btree ("workspace_id","last_seen_at");