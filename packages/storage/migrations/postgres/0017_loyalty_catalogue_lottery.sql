CREATE TABLE "catalogue_items" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"sku" text,
	"name" text NOT NULL,
	"description" text,
	"image_url" text,
	"points_cost" integer NOT NULL,
	"cash_minor" bigint,
	"stock" integer,
	"redeemed_count" integer DEFAULT 0 NOT NULL,
	"per_member_limit" integer,
	"per_member_daily_limit" integer,
	"available_from" timestamp with time zone,
	"available_until" timestamp with time zone,
	"store_ids" jsonb,
	"template_id" uuid,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lottery_campaigns" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"points_cost" integer NOT NULL,
	"per_member_daily_limit" integer,
	"per_member_limit" integer,
	"starts_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lottery_draws" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"prize_id" uuid,
	"prize_kind" text NOT NULL,
	"prize_name" text NOT NULL,
	"points_cost" integer NOT NULL,
	"points_awarded" integer,
	"cost_entry_id" uuid,
	"award_entry_id" uuid,
	"coupon_id" uuid,
	"redemption_id" uuid,
	"idempotency_key" text NOT NULL,
	"draw_day" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "lottery_prizes" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"campaign_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"points" integer,
	"template_id" uuid,
	"item_id" uuid,
	"weight" integer NOT NULL,
	"stock" integer,
	"awarded_count" integer DEFAULT 0 NOT NULL,
	"removed" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "redemption_orders" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"item_id" uuid NOT NULL,
	"item_kind" text NOT NULL,
	"item_name" text NOT NULL,
	"source" text NOT NULL,
	"status" text NOT NULL,
	"points_cost" integer NOT NULL,
	"cash_minor" bigint,
	"pay_with" text,
	"payment_reference" text,
	"payment_due_at" timestamp with time zone,
	"store_id" text,
	"coupon_id" uuid,
	"points_entry_id" uuid,
	"stored_value_transaction_id" uuid,
	"fulfilment" text,
	"note" text,
	"cancel_reason" text,
	"idempotency_key" text,
	"request" text,
	"redeem_day" text NOT NULL,
	"actor" text,
	"created_at" timestamp with time zone NOT NULL,
	"fulfilled_at" timestamp with time zone,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "catalogue_items_workspace_idx" ON "catalogue_items" USING btree ("workspace_id","status","created_at");--> statement-breakpoint
CREATE INDEX "lottery_campaigns_workspace_idx" ON "lottery_campaigns" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "lottery_draws_key_uq" ON "lottery_draws" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "lottery_draws_member_idx" ON "lottery_draws" USING btree ("campaign_id","profile_id","draw_day");--> statement-breakpoint
CREATE INDEX "lottery_draws_list_idx" ON "lottery_draws" USING btree ("workspace_id","campaign_id","created_at");--> statement-breakpoint
CREATE INDEX "lottery_prizes_campaign_idx" ON "lottery_prizes" USING btree ("campaign_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "redemption_orders_key_uq" ON "redemption_orders" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "redemption_orders_list_idx" ON "redemption_orders" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE INDEX "redemption_orders_member_idx" ON "redemption_orders" USING btree ("workspace_id","item_id","profile_id","redeem_day");--> statement-breakpoint
CREATE INDEX "redemption_orders_due_idx" ON "redemption_orders" USING btree ("status","payment_due_at");