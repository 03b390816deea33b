CREATE TABLE "card_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"card_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"delta" integer NOT NULL,
	"use_day" text,
	"store_id" text,
	"reference" text,
	"idempotency_key" text,
	"actor" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "card_products" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"uses" integer,
	"daily_limit" integer,
	"validity_days" integer NOT NULL,
	"price_minor" bigint NOT NULL,
	"store_ids" jsonb,
	"status" text NOT NULL,
	"issued_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "member_cards" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"status" text NOT NULL,
	"uses_total" integer,
	"uses_remaining" integer,
	"uses_count" integer DEFAULT 0 NOT NULL,
	"daily_limit" integer,
	"store_ids" jsonb,
	"price_minor" bigint NOT NULL,
	"stored_value_tx_id" uuid,
	"issue_key" text NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stored_value_lots" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"topup_id" uuid,
	"principal_minor" bigint NOT NULL,
	"bonus_minor" bigint NOT NULL,
	"principal_remaining" bigint NOT NULL,
	"bonus_remaining" bigint NOT NULL,
	"bonus_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stored_value_transactions" ADD COLUMN "allocations" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "card_entries_key_uq" ON "card_entries" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "card_entries_card_idx" ON "card_entries" USING btree ("card_id","use_day");--> statement-breakpoint
CREATE INDEX "card_products_workspace_idx" ON "card_products" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "member_cards_issue_key_uq" ON "member_cards" USING btree ("workspace_id","issue_key");--> statement-breakpoint
CREATE INDEX "member_cards_profile_idx" ON "member_cards" USING btree ("workspace_id","profile_id","created_at");--> statement-breakpoint
CREATE INDEX "member_cards_expiry_idx" ON "member_cards" USING btree ("status","valid_until");--> statement-breakpoint
CREATE INDEX "stored_value_lots_profile_idx" ON "stored_value_lots" USING btree ("workspace_id","profile_id","created_at");--> statement-breakpoint
CREATE INDEX "stored_value_lots_expiry_idx" ON "stored_value_lots" USING btree ("bonus_expires_at");--> statement-breakpoint
CREATE UNIQUE INDEX "stored_value_lots_topup_uq" ON "stored_value_lots" USING btree ("topup_id");