-- The dashboard's messages sent per day (core's messaging/outbox/sent-counts.ts): a workspace's
-- sends by time, one index range however long the outbox. Only sent rows are in it.
CREATE INDEX "messages_sent" ON "messages" USING btree ("workspace_id","sent_at") WHERE "messages"."sent_at" is not null;
