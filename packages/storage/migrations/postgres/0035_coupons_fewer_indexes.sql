DROP INDEX "coupons_profile_idx";--> statement-breakpoint
DROP INDEX "coupons_template_day_idx";--> statement-breakpoint
DROP INDEX "coupons_expiry_idx";--> statement-breakpoint
DROP INDEX "coupons_order_idx";--> statement-breakpoint
CREATE INDEX "coupons_member_idx" ON "coupons" USING btree ("workspace_id","profile_id","template_id","issue_day");--> statement-breakpoint
CREATE INDEX "coupons_expiring_idx" ON "coupons" USING btree ("valid_until") WHERE "coupons"."status" = 'available';--> statement-breakpoint
CREATE INDEX "coupons_order_idx" ON "coupons" USING btree ("order_id","workspace_id") WHERE "coupons"."order_id" is not null;