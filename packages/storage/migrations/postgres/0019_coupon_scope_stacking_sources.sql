ALTER TABLE "coupon_issue_job_members" ADD COLUMN "issue_key" text;--> statement-breakpoint
ALTER TABLE "coupon_issue_jobs" ADD COLUMN "source" text DEFAULT 'list' NOT NULL;--> statement-breakpoint
ALTER TABLE "coupon_issue_jobs" ADD COLUMN "segment_id" uuid;--> statement-breakpoint
ALTER TABLE "coupon_templates" ADD COLUMN "product_scope" jsonb;--> statement-breakpoint
ALTER TABLE "coupon_templates" ADD COLUMN "stackable" boolean DEFAULT false NOT NULL;