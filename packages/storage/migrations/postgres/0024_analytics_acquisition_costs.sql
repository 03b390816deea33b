CREATE TABLE "analytics_acquisition_costs" (
	"id" uuid PRIMARY KEY NOT NULL,
	"workspace_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"key" text NOT NULL,
	"from_day" date NOT NULL,
	"to_day" date NOT NULL,
	"amount_minor" bigint NOT NULL,
	"store_id" uuid,
	"note" text,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "analytics_acquisition_costs_period_idx" ON "analytics_acquisition_costs" USING btree ("workspace_id","to_day","from_day");