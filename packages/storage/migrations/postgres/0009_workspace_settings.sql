CREATE TABLE "workspace_settings" (
	"workspace_id" uuid NOT NULL,
	"module" text NOT NULL,
	"settings" jsonb NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "workspace_settings_workspace_id_module_pk" PRIMARY KEY("workspace_id","module")
);
