CREATE TABLE "coupon_issue_job_members" (
	"job_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"state" text NOT NULL,
	"error_code" text,
	"coupon_id" uuid,
	CONSTRAINT "coupon_issue_job_members_job_id_profile_id_pk" PRIMARY KEY("job_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "coupon_issue_jobs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"status" text NOT NULL,
	"total" integer NOT NULL,
	"issued" integer DEFAULT 0 NOT NULL,
	"refused" integer DEFAULT 0 NOT NULL,
	"actor" text,
	"created_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "coupon_templates" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"amount_minor" bigint,
	"percent_off" integer,
	"cap_minor" bigint,
	"threshold_minor" bigint,
	"item_sku" text,
	"validity" jsonb NOT NULL,
	"total_stock" integer,
	"issued_count" integer DEFAULT 0 NOT NULL,
	"per_member_limit" integer,
	"per_member_daily_limit" integer,
	"store_ids" jsonb,
	"points_cost" integer,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "coupons" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"template_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"code" text NOT NULL,
	"status" text NOT NULL,
	"issue_key" text,
	"issue_day" text NOT NULL,
	"issued_at" timestamp with time zone NOT NULL,
	"valid_from" timestamp with time zone NOT NULL,
	"valid_until" timestamp with time zone NOT NULL,
	"redeemed_at" timestamp with time zone,
	"order_id" text,
	"store_id" text,
	"discount_minor" bigint
);
--> statement-breakpoint
CREATE TABLE "loyalty_settings" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "member_tiers" (
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"tier" text NOT NULL,
	"growth" bigint NOT NULL,
	"since" timestamp with time zone NOT NULL,
	"below_since" timestamp with time zone,
	"last_inactivity_drop_at" timestamp with time zone,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "member_tiers_workspace_id_profile_id_pk" PRIMARY KEY("workspace_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "points_accounts" (
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"available" bigint DEFAULT 0 NOT NULL,
	"pending" bigint DEFAULT 0 NOT NULL,
	"lifetime_earned" bigint DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "points_accounts_workspace_id_profile_id_pk" PRIMARY KEY("workspace_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "points_buckets" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"entry_id" uuid NOT NULL,
	"status" text NOT NULL,
	"amount" bigint NOT NULL,
	"remaining" bigint NOT NULL,
	"reversed" bigint DEFAULT 0 NOT NULL,
	"order_id" text,
	"earned_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"pending_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "points_entries" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"delta" bigint NOT NULL,
	"pending_delta" bigint DEFAULT 0 NOT NULL,
	"reason" text,
	"source" text NOT NULL,
	"idempotency_key" text,
	"bucket_id" uuid,
	"reverses_entry_id" uuid,
	"order_id" text,
	"earn_day" text,
	"allocations" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone,
	"pending_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "stored_value_accounts" (
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"principal_minor" bigint DEFAULT 0 NOT NULL,
	"bonus_minor" bigint DEFAULT 0 NOT NULL,
	"version" integer DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "stored_value_accounts_workspace_id_profile_id_pk" PRIMARY KEY("workspace_id","profile_id")
);
--> statement-breakpoint
CREATE TABLE "stored_value_postings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"transaction_id" uuid NOT NULL,
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"account" text NOT NULL,
	"amount_minor" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "stored_value_transactions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"principal_minor" bigint NOT NULL,
	"bonus_minor" bigint NOT NULL,
	"order_id" text,
	"reference" text,
	"reverses_id" uuid,
	"idempotency_key" text NOT NULL,
	"actor" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "coupon_issue_job_members_state_idx" ON "coupon_issue_job_members" USING btree ("job_id","state","profile_id");--> statement-breakpoint
CREATE UNIQUE INDEX "coupon_issue_jobs_key_uq" ON "coupon_issue_jobs" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "coupon_issue_jobs_status_idx" ON "coupon_issue_jobs" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "coupon_templates_workspace_idx" ON "coupon_templates" USING btree ("workspace_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "coupons_code_uq" ON "coupons" USING btree ("workspace_id","code");--> statement-breakpoint
CREATE UNIQUE INDEX "coupons_issue_key_uq" ON "coupons" USING btree ("workspace_id","issue_key");--> statement-breakpoint
CREATE INDEX "coupons_profile_idx" ON "coupons" USING btree ("workspace_id","profile_id","template_id");--> statement-breakpoint
CREATE INDEX "coupons_template_day_idx" ON "coupons" USING btree ("workspace_id","template_id","profile_id","issue_day");--> statement-breakpoint
CREATE INDEX "coupons_expiry_idx" ON "coupons" USING btree ("workspace_id","status","valid_until");--> statement-breakpoint
CREATE INDEX "coupons_order_idx" ON "coupons" USING btree ("workspace_id","order_id");--> statement-breakpoint
CREATE INDEX "points_buckets_fifo_idx" ON "points_buckets" USING btree ("workspace_id","profile_id","status","earned_at");--> statement-breakpoint
CREATE INDEX "points_buckets_expiry_idx" ON "points_buckets" USING btree ("workspace_id","status","expires_at");--> statement-breakpoint
CREATE INDEX "points_buckets_pending_idx" ON "points_buckets" USING btree ("workspace_id","status","pending_until");--> statement-breakpoint
CREATE INDEX "points_buckets_order_idx" ON "points_buckets" USING btree ("workspace_id","order_id");--> statement-breakpoint
CREATE UNIQUE INDEX "points_entries_idempotency_uq" ON "points_entries" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "points_entries_profile_idx" ON "points_entries" USING btree ("workspace_id","profile_id","created_at");--> statement-breakpoint
CREATE INDEX "points_entries_day_idx" ON "points_entries" USING btree ("workspace_id","profile_id","earn_day");--> statement-breakpoint
CREATE INDEX "stored_value_postings_tx_idx" ON "stored_value_postings" USING btree ("transaction_id");--> statement-breakpoint
CREATE INDEX "stored_value_postings_profile_idx" ON "stored_value_postings" USING btree ("workspace_id","profile_id","account");--> statement-breakpoint
CREATE UNIQUE INDEX "stored_value_transactions_key_uq" ON "stored_value_transactions" USING btree ("workspace_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "stored_value_transactions_profile_idx" ON "stored_value_transactions" USING btree ("workspace_id","profile_id","created_at");--> statement-breakpoint
CREATE INDEX "stored_value_transactions_order_idx" ON "stored_value_transactions" USING btree ("workspace_id","order_id");