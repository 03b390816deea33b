DROP INDEX "messaging_suppressions_address";--> statement-breakpoint
CREATE INDEX "messaging_suppressions_address" ON "messaging_suppressions" USING btree ("workspace_id",lower("address"));