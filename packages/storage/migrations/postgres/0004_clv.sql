CREATE TABLE "clv_models" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"status" text NOT NULL,
	"message" text,
	"unit" text NOT NULL,
	"bg_nbd" jsonb,
	"gamma_gamma" jsonb,
	"customers" integer NOT NULL,
	"repeat_customers" integer NOT NULL,
	"scored_profiles" integer NOT NULL,
	"calibration_end" text,
	"fitted_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "clv_settings" (
	"workspace_id" uuid PRIMARY KEY NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
