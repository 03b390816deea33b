-- Custom migration: balances from before stored_value_lots become one opening lot per member (no top-up, no bonus expiry),
-- so the lots of every member sum to the cached principal and bonus from the start.
INSERT INTO "stored_value_lots" ("id", "workspace_id", "profile_id", "topup_id", "principal_minor", "bonus_minor", "principal_remaining", "bonus_remaining", "bonus_expires_at", "created_at")
SELECT gen_random_uuid(), "workspace_id", "profile_id", NULL, "principal_minor", "bonus_minor", "principal_minor", "bonus_minor", NULL, '1970-01-01T00:00:00Z'
FROM "stored_value_accounts" WHERE "principal_minor" > 0 OR "bonus_minor" > 0;
