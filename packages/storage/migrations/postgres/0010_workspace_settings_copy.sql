-- Custom migration: copy every module's settings rows into workspace_settings before their tables are dropped.
INSERT INTO "workspace_settings" ("workspace_id", "module", "settings", "updated_at")
SELECT "workspace_id", 'clv', "settings", "updated_at" FROM "clv_settings"
UNION ALL SELECT "workspace_id", 'identity', "settings", "updated_at" FROM "identity_settings"
UNION ALL SELECT "workspace_id", 'scores', "settings", "updated_at" FROM "scores_settings"
UNION ALL SELECT "workspace_id", 'segments', "settings", "updated_at" FROM "segment_settings"
UNION ALL SELECT "workspace_id", 'tags', "settings", "updated_at" FROM "tag_settings"
ON CONFLICT ("workspace_id", "module") DO NOTHING;
