-- Custom migration: copy the loyalty settings rows into workspace_settings before loyalty_settings is dropped.
INSERT INTO "workspace_settings" ("workspace_id", "module", "settings", "updated_at")
SELECT "workspace_id", 'loyalty', "settings", "updated_at" FROM "loyalty_settings"
ON CONFLICT ("workspace_id", "module") DO NOTHING;
