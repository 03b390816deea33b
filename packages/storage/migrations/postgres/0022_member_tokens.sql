CREATE TABLE "member_token_secrets" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"secret" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"rotated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "member_tokens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"identifier_type" text NOT NULL,
	"issued_by" text,
	"issued_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "coupon_templates" ADD COLUMN "claimable" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "member_tokens_profile_idx" ON "member_tokens" USING btree ("workspace_id","profile_id");--> statement-breakpoint
CREATE INDEX "member_tokens_expiry_idx" ON "member_tokens" USING btree ("expires_at");