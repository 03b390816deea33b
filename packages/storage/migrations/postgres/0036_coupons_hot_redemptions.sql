-- A redemption becomes a HOT update of its coupon (bench/RESULTS.md, run 36): no index of coupons
-- names a column it changes. The orders' coupons move to coupon_redemptions (one row per redeemed
-- coupon); the expiry job's index holds the coupons it has not yet seen past their date (`lapsed`,
-- which a redemption leaves alone) instead of the available ones; coupons pages keep a fifth free for
-- the new row versions (existing pages gain the room when they are next rewritten).
CREATE TABLE "coupon_redemptions" (
	"coupon_id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"order_id" text NOT NULL
);
--> statement-breakpoint
DROP INDEX "coupons_expiring_idx";--> statement-breakpoint
DROP INDEX "coupons_order_idx";--> statement-breakpoint
ALTER TABLE "coupons" ADD COLUMN "lapsed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE "coupons" SET "lapsed" = true WHERE "status" = 'expired';--> statement-breakpoint
INSERT INTO "coupon_redemptions" ("coupon_id", "workspace_id", "order_id")
  SELECT "id", "workspace_id", "order_id" FROM "coupons" WHERE "status" = 'redeemed' AND "order_id" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "coupon_redemptions_order_idx" ON "coupon_redemptions" USING btree ("order_id","workspace_id");--> statement-breakpoint
CREATE INDEX "coupons_lapsing_idx" ON "coupons" USING btree ("valid_until") WHERE "coupons"."lapsed" = false;--> statement-breakpoint
ALTER TABLE "coupons" SET (fillfactor = 80);
