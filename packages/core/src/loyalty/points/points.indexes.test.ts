import { sql } from "@siyu/storage/orm";
import { openTestDatabase, planOf, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expiringMembers, releasableMembers } from "./points.jobs";
import { reversalsOf } from "./points.ledger";

/**
 * The ledger's lookups that must stay cheap however long the ledger grows: the expiry and release jobs
 * (across workspaces, by date) and the "already reversed?" check of a reversal read partial indexes that
 * hold only the rows they look for, instead of scanning every bucket or every entry of a workspace.
 */
let database: TestDatabase;
const WORKSPACES = ["01900000-0000-7000-8000-00000000f001", "01900000-0000-7000-8000-00000000f002", "01900000-0000-7000-8000-00000000f003"];

beforeAll(async () => {
  database = await openTestDatabase();
  // 30,000 buckets and entries in three workspaces: 1 % pending, expiries over two years, a third with an order.
  await database.db.execute(sql`
    insert into points_buckets (id, workspace_id, profile_id, entry_id, status, amount, remaining, order_id, earned_at, expires_at, pending_until)
    select gen_random_uuid(), (${`{${WORKSPACES.join(",")}}`}::uuid[])[1 + i % 3], gen_random_uuid(), gen_random_uuid(),
           case when i % 100 = 0 then 'pending' else 'available' end, 10, 10, case when i % 3 = 0 then 'o-' || i end,
           '2026-01-01T00:00:00Z'::timestamptz, '2026-01-01T00:00:00Z'::timestamptz + (i % 730) * interval '1 day',
           case when i % 100 = 0 then '2026-01-08T00:00:00Z'::timestamptz end
    from generate_series(1, 30000) i`);
  await database.db.execute(sql`
    insert into points_entries (id, workspace_id, profile_id, kind, delta, source, bucket_id, idempotency_key, created_at)
    select entry_id, workspace_id, profile_id, 'earn', 10, 'test', id, 'k-' || id, earned_at from points_buckets`);
  await database.db.execute(sql`analyze points_buckets`);
  await database.db.execute(sql`analyze points_entries`);
}, 120_000);
afterAll(async () => {
  await database?.close();
});

describe(`points ledger lookups (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("finds members with points due to expire through the expiry index, by date", async () => {
    const plan = await planOf(database.db, expiringMembers("2026-01-05T00:00:00Z", 1000));
    expect(plan).toMatch(/Scan (using|on) points_buckets_expiry_idx/);
    expect(plan).toMatch(/Index Cond: \(expires_at <= /);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it("finds members with pending points due for release through the pending index", async () => {
    const plan = await planOf(database.db, releasableMembers("2026-01-09T00:00:00Z", 1000));
    expect(plan).toMatch(/Scan (using|on) points_buckets_pending_idx/);
    expect(plan).toMatch(/Index Cond: \(pending_until <= /);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it("checks whether an entry was reversed by a probe of the reversals alone", async () => {
    const plan = await planOf(database.db, reversalsOf(WORKSPACES[0]!, "01900000-0000-7000-8000-00000000e001"));
    expect(plan).toMatch(/Scan using points_entries_reverses_idx/);
    expect(plan).toMatch(/Index Cond: .*reverses_entry_id = /);
  });
});
