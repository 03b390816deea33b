CREATE TABLE "messaging_wecom_sends" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"message_id" text NOT NULL,
	"sender" text NOT NULL,
	"external_userid" text NOT NULL,
	"reserved_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "messaging_wecom_sends_message" ON "messaging_wecom_sends" USING btree ("workspace_id","message_id");--> statement-breakpoint
CREATE INDEX "messaging_wecom_sends_sender" ON "messaging_wecom_sends" USING btree ("workspace_id","sender","reserved_at");--> statement-breakpoint
CREATE INDEX "messaging_wecom_sends_customer" ON "messaging_wecom_sends" USING btree ("workspace_id","external_userid","reserved_at");