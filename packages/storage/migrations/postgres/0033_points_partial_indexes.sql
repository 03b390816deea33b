DROP INDEX "points_buckets_expiry_idx";--> statement-breakpoint
DROP INDEX "points_buckets_pending_idx";--> statement-breakpoint
DROP INDEX "points_buckets_order_idx";--> statement-breakpoint
DROP INDEX "points_entries_day_idx";--> statement-breakpoint
CREATE INDEX "points_entries_reverses_idx" ON "points_entries" USING btree ("workspace_id","reverses_entry_id") WHERE "points_entries"."reverses_entry_id" is not null;--> statement-breakpoint
CREATE INDEX "points_buckets_expiry_idx" ON "points_buckets" USING btree ("expires_at") WHERE "points_buckets"."status" = 'available' and "points_buckets"."expires_at" is not null;--> statement-breakpoint
CREATE INDEX "points_buckets_pending_idx" ON "points_buckets" USING btree ("pending_until") WHERE "points_buckets"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "points_buckets_order_idx" ON "points_buckets" USING btree ("workspace_id","order_id") WHERE "points_buckets"."order_id" is not null;--> statement-breakpoint
CREATE INDEX "points_entries_day_idx" ON "points_entries" USING btree ("workspace_id","profile_id","earn_day") WHERE "points_entries"."earn_day" is not null;