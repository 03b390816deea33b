-- The points group commit and the consumers lock a batch's accounts with an upsert that writes
-- nothing to an existing account (core's points.rows.ts, lockedAccountsQueries): ON CONFLICT DO
-- UPDATE … WHERE false locks the row without a new row version, but returns only the rows it
-- inserted. The others' balances are read after the locks by this function: a VOLATILE function takes
-- a fresh snapshot for each query it runs (READ COMMITTED), so called with the lock's result it sees
-- what a transaction holding one of the locks committed while this one waited. `after_locks` only
-- orders the call after the locks.
CREATE FUNCTION "points_accounts_by_profile"("workspace" uuid, "profiles" uuid[], "after_locks" bigint) RETURNS SETOF "points_accounts"
  LANGUAGE sql VOLATILE AS $$
    SELECT * FROM "points_accounts" WHERE "workspace_id" = $1 AND "profile_id" = ANY ($2)
  $$;
