import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { lockAccount, releaseDueForAccount, rows, transferAccount } from "./points.ledger";

/**
 * Up to `limit` members, of any workspace, with points due to expire at `at`: read from the partial
 * index of available buckets by expiry date (points_buckets_expiry_idx), not a scan of every bucket.
 */
export const expiringMembers = (at: string, limit: number) =>
  sql`select distinct workspace_id, profile_id from points_buckets
      where status = 'available' and expires_at <= ${at}::timestamptz limit ${limit}`;

/** Up to `limit` members, of any workspace, with pending points due for release at `at` (points_buckets_pending_idx). */
export const releasableMembers = (at: string, limit: number) =>
  sql`select distinct workspace_id, profile_id from points_buckets
      where status = 'pending' and pending_until <= ${at}::timestamptz limit ${limit}`;

/**
 * Expires every due bucket of up to `limit` accounts in one transaction, set-based: the accounts are
 * locked first (the same order every ledger writer uses: account, then its buckets), then one statement
 * zeroes the buckets, appends one expire entry per bucket and moves the cached balances. Idempotent:
 * an expired bucket is no longer 'available', so a rerun finds nothing. Returns the points expired.
 */
export async function expireDuePoints(db: Db, now: Date, limit = 1000): Promise<{ accounts: number; points: number }> {
  return db.transaction(async (tx) => {
    const at = now.toISOString();
    const locked = await rows<{ workspace_id: string; profile_id: string }>(
      tx,
      sql`select a.workspace_id, a.profile_id from points_accounts a
          where (a.workspace_id, a.profile_id) in (${expiringMembers(at, limit)})
          order by a.workspace_id, a.profile_id for update`,
    );
    if (locked.length === 0) return { accounts: 0, points: 0 };
    const [result] = await rows<{ points: string | number | null }>(
      tx,
      sql`with locked as (select * from jsonb_to_recordset(${JSON.stringify(locked)}::jsonb) as x(workspace_id uuid, profile_id uuid)),
          due as (
            select b.id, b.workspace_id, b.profile_id, b.remaining from points_buckets b
            join locked l on l.workspace_id = b.workspace_id and l.profile_id = b.profile_id
            where b.status = 'available' and b.expires_at <= ${at}::timestamptz),
          zeroed as (update points_buckets b set remaining = 0, status = 'expired' from due where b.id = due.id),
          entries as (
            insert into points_entries (id, workspace_id, profile_id, kind, delta, pending_delta, source, bucket_id, reason, allocations, metadata, created_at)
            select gen_random_uuid(), workspace_id, profile_id, 'expire', -remaining, 0, 'expiry', id, 'points expired', '[]'::jsonb, '{}'::jsonb, ${at}::timestamptz
            from due where remaining > 0),
          sums as (select workspace_id, profile_id, sum(remaining) as total from due group by workspace_id, profile_id having sum(remaining) > 0),
          moved as (
            update points_accounts a set available = a.available - s.total, version = a.version + 1, updated_at = ${at}::timestamptz
            from sums s where a.workspace_id = s.workspace_id and a.profile_id = s.profile_id)
          select coalesce(sum(total), 0) as points from sums`,
    );
    return { accounts: locked.length, points: Number(result?.points ?? 0) };
  });
}

/**
 * Releases pending points whose waiting period is over (an order refunded meanwhile has had its pending
 * points reversed already, so nothing of it is left to release). Set-based for accounts without debt;
 * an account in (allowed) debt goes through the per-account path, which pays the debt first.
 */
export async function releaseDuePoints(db: Db, now: Date, limit = 1000): Promise<{ accounts: number; points: number }> {
  return db.transaction(async (tx) => {
    const at = now.toISOString();
    const locked = await rows<{ workspace_id: string; profile_id: string; available: string | number }>(
      tx,
      sql`select a.workspace_id, a.profile_id, a.available from points_accounts a
          where (a.workspace_id, a.profile_id) in (${releasableMembers(at, limit)})
          order by a.workspace_id, a.profile_id for update`,
    );
    if (locked.length === 0) return { accounts: 0, points: 0 };
    const clean = locked.filter((l) => Number(l.available) >= 0).map(({ workspace_id, profile_id }) => ({ workspace_id, profile_id }));
    let points = 0;
    if (clean.length > 0) {
      const [result] = await rows<{ points: string | number | null }>(
        tx,
        sql`with locked as (select * from jsonb_to_recordset(${JSON.stringify(clean)}::jsonb) as x(workspace_id uuid, profile_id uuid)),
            due as (
              select b.id, b.workspace_id, b.profile_id, b.remaining, b.order_id from points_buckets b
              join locked l on l.workspace_id = b.workspace_id and l.profile_id = b.profile_id
              where b.status = 'pending' and b.pending_until <= ${at}::timestamptz),
            released as (update points_buckets b set status = 'available' from due where b.id = due.id),
            entries as (
              insert into points_entries (id, workspace_id, profile_id, kind, delta, pending_delta, source, bucket_id, order_id, reason, allocations, metadata, created_at)
              select gen_random_uuid(), workspace_id, profile_id, 'release', remaining, -remaining, 'release', id, order_id, 'pending points released', '[]'::jsonb, '{}'::jsonb, ${at}::timestamptz
              from due where remaining > 0),
            sums as (select workspace_id, profile_id, sum(remaining) as total from due group by workspace_id, profile_id having sum(remaining) > 0),
            moved as (
              update points_accounts a set available = a.available + s.total, pending = a.pending - s.total, version = a.version + 1, updated_at = ${at}::timestamptz
              from sums s where a.workspace_id = s.workspace_id and a.profile_id = s.profile_id)
            select coalesce(sum(total), 0) as points from sums`,
      );
      points += Number(result?.points ?? 0);
    }
    for (const l of locked.filter((x) => Number(x.available) < 0)) {
      points += await releaseDueForAccount(tx, l.workspace_id, await lockAccount(tx, l.workspace_id, l.profile_id, now), now);
    }
    return { accounts: locked.length, points };
  });
}

/** Moves the points of profiles that were merged into another to the live profile (see transferAccount). */
export async function foldMergedAccounts(db: Db, now: Date, workspaceId?: string): Promise<number> {
  const merged = await rows<{ workspace_id: string; profile_id: string }>(
    db,
    sql`select a.workspace_id, a.profile_id from points_accounts a
        join profiles p on p.id = a.profile_id and p.workspace_id = a.workspace_id
        where p.merged_into is not null and (a.available <> 0 or a.pending <> 0)
          ${workspaceId ? sql`and a.workspace_id = ${workspaceId}::uuid` : sql``}`,
  );
  for (const m of merged) {
    await db.transaction(async (tx) => {
      const live = await liveRoot(tx, m.workspace_id, m.profile_id);
      if (live && live !== m.profile_id) await transferAccount(tx, m.workspace_id, m.profile_id, live, now);
    });
  }
  return merged.length;
}

/**
 * The consumer's cheap fold: only profiles merged straight into the given live profiles (through the
 * identity merges' survivor index). Chains of merges are left to the minute job's full fold.
 */
export async function foldMergedInto(db: Db, workspaceId: string, liveIds: string[], now: Date): Promise<number> {
  if (liveIds.length === 0) return 0;
  const merged = await rows<{ merged_profile_id: string }>(
    db,
    sql`select distinct m.merged_profile_id from identity_merges m
        join points_accounts a on a.workspace_id = m.workspace_id and a.profile_id = m.merged_profile_id
        where m.workspace_id = ${workspaceId}::uuid and m.survivor_profile_id = any(${`{${liveIds.join(",")}}`}::uuid[])
          and m.split_at is null and (a.available <> 0 or a.pending <> 0)`,
  );
  for (const m of merged) {
    const live = await liveRoot(db, workspaceId, m.merged_profile_id);
    if (live && live !== m.merged_profile_id) await transferAccount(db, workspaceId, m.merged_profile_id, live, now);
  }
  return merged.length;
}

/** Gives the coupons of profiles merged into another to the live profile (their limits then count for the person). */
export async function foldMergedCoupons(db: Db): Promise<number> {
  const merged = await rows<{ workspace_id: string; profile_id: string }>(
    db,
    sql`select distinct c.workspace_id, c.profile_id from profiles p
        join coupons c on c.workspace_id = p.workspace_id and c.profile_id = p.id
        where p.merged_into is not null`,
  );
  let moved = 0;
  for (const m of merged) {
    const live = await liveRoot(db, m.workspace_id, m.profile_id);
    if (!live || live === m.profile_id) continue;
    const done = await rows<{ id: string }>(
      db,
      sql`update coupons set profile_id = ${live}::uuid where workspace_id = ${m.workspace_id}::uuid and profile_id = ${m.profile_id}::uuid returning id`,
    );
    moved += done.length;
  }
  return moved;
}

export async function liveRoot(db: Db, workspaceId: string, profileId: string): Promise<string | null> {
  let id = profileId;
  for (let hop = 0; hop < 20; hop++) {
    const [row] = await rows<{ id: string; merged_into: string | null }>(
      db,
      sql`select id, merged_into from profiles where workspace_id = ${workspaceId}::uuid and id = ${id}::uuid`,
    );
    if (!row) return null;
    if (!row.merged_into) return row.id;
    id = row.merged_into;
  }
  return null;
}
