CREATE TABLE "consents" (
	"workspace_id" uuid NOT NULL,
	"profile_id" uuid NOT NULL,
	"channel" text NOT NULL,
	"purpose" text NOT NULL,
	"granted" boolean NOT NULL,
	"source" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"updated_by" text,
	CONSTRAINT "consents_workspace_id_profile_id_channel_purpose_pk" PRIMARY KEY("workspace_id","profile_id","channel","purpose")
);
