DROP INDEX "messages_due";--> statement-breakpoint
CREATE INDEX "messages_due" ON "messages" USING btree ("due_at","id") WHERE "messages"."due_at" is not null;