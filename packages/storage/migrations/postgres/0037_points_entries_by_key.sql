-- The points group commit reads a batch's idempotency keys in the statement that locks its accounts
-- (core's points.rows.ts, openBatch), after the locks are held. A statement sees the rows committed
-- before it began; a VOLATILE function takes a fresh snapshot for each query it runs (READ COMMITTED),
-- so its query, called with the lock's result, sees the entries that a transaction holding one of the
-- locks committed while this one waited. `after_locks` only orders the call after the locks.
CREATE FUNCTION "points_entries_by_key"("workspace" uuid, "keys" jsonb, "after_locks" bigint) RETURNS SETOF "points_entries"
  LANGUAGE sql VOLATILE AS $$
    SELECT * FROM "points_entries"
    WHERE "workspace_id" = $1 AND "idempotency_key" = ANY (ARRAY(SELECT jsonb_array_elements_text($2)))
  $$;
