import { sql, type SQL } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { liveProfilesQueries } from "../../profiles";
import { isUuid, rows } from "../../shared";
import { isoTime } from "../../shared/iso-time";
import { ENTRY_COLUMNS, toAccount, toBucket, toEntry, type Account, type BucketRow, type EntryRow } from "./points.records";

/**
 * The points ledger's set-based reads and writes: one statement for any number of rows, for the writers
 * that judge many operations in memory (the consumers, group-committed awards and adjustments). They
 * run inside the caller's transaction, which holds the accounts' locks. The UPDATEs read their rows
 * from a materialized CTE and name their keys in an array: without planner statistics (PGlite never
 * has them) a join to jsonb_to_recordset re-parsed the JSON once per row updated, and the lookups use
 * `= any(…)`, an index lookup per key.
 */

const idArray = (ids: Iterable<string>) => `{${[...ids].join(",")}}`;

export interface LockedAccounts {
  /** The locked accounts by profile id. */
  accounts: Map<string, Account>;
  /** The profiles whose account this lock created (it had none before). */
  created: Set<string>;
}

/**
 * Creates the missing accounts and locks these members' accounts in profile order, in one statement
 * (lockedAccountsQueries).
 */
export async function lockAccounts(tx: Db, workspaceId: string, profileIds: Iterable<string>, now: Date): Promise<LockedAccounts> {
  const ids = idArray(new Set(profileIds));
  return toLocked(await rows<Record<string, unknown>>(tx, sql`with ${lockedAccountsQueries(workspaceId, sql`select unnest(${ids}::uuid[]) as id`, now)} select * from locked`));
}

/**
 * The queries (`with` list items) that create the missing accounts of the profiles `ids` selects (a
 * column `id`, each once) and lock every one of them in profile order; `locked` then holds each
 * account's latest balances and whether this statement created it. A missing account is inserted
 * (and returned by the insert); an existing one is locked by ON CONFLICT DO UPDATE … WHERE false,
 * which locks it as FOR UPDATE would without writing a row version (a no-op update wrote one per
 * account per batch, before the balances' update wrote another). Those are read by the volatile
 * function points_accounts_by_profile (migration 0038), called with the lock's result: its query takes
 * a fresh snapshot, so it sees what a transaction that held one of the locks committed meanwhile.
 */
function lockedAccountsQueries(workspaceId: string, ids: SQL, now: Date): SQL {
  return sql`lock_ids as materialized (${ids}),
    lock_created as (
      insert into points_accounts (workspace_id, profile_id, available, pending, lifetime_earned, version, updated_at)
      select ${workspaceId}::uuid, l.id, 0, 0, 0, 0, ${now.toISOString()}::timestamptz from lock_ids l order by l.id
      on conflict (workspace_id, profile_id) do update set version = points_accounts.version where false
      returning profile_id, available, pending, lifetime_earned, version),
    locked as (
      select profile_id, available, pending, lifetime_earned, version, true as created from lock_created
      union all
      select a.profile_id, a.available, a.pending, a.lifetime_earned, a.version, false
      from points_accounts_by_profile(${workspaceId}::uuid, array(select id from lock_ids), (select count(*) from lock_created)) a
      where a.profile_id not in (select profile_id from lock_created))`;
}

function toLocked(locked: readonly Record<string, unknown>[]): LockedAccounts {
  return {
    accounts: new Map(locked.map((a) => [a.profile_id as string, toAccount(a)])),
    created: new Set(locked.filter((a) => a.created === true).map((a) => a.profile_id as string)),
  };
}

export interface OpenedBatch {
  /** Each asked profile's live profile (merges followed); ids that are no profile of the workspace are absent. */
  live: Map<string, string>;
  /** The live profiles' accounts, created where missing and locked, as lockAccounts leaves them. */
  locked: LockedAccounts;
  /** The workspace's entries under the batch's idempotency keys, by key. */
  byKey: Map<string, EntryRow>;
  /** The row's other columns, those `also` added. */
  also: Record<string, unknown>;
}

/**
 * A group-committed batch's reads in one statement, where they were four round trips: the asked
 * profiles' live profiles (resolveLiveProfiles), their accounts created and locked in profile order
 * (lockAccounts), the entries under the batch's keys and the columns `also` adds (the settings and
 * time zone). The statement's own reads see what was committed before it began, but the entries must
 * be read after the locks, as a statement of their own was: a replay of a key by another process, for
 * the same member, commits while this batch waits for that member's lock. So they are read by the
 * volatile function points_entries_by_key (migration 0037), called with the lock's row count, whose
 * query takes a fresh snapshot, as do the balances' (lockedAccountsQueries).
 */
export async function openBatch(tx: Db, workspaceId: string, profileIds: Iterable<string>, keys: Iterable<string>, also: SQL | null, now: Date): Promise<OpenedBatch> {
  const wanted = [...new Set(profileIds)].filter(isUuid);
  if (wanted.length === 0) return { live: new Map(), locked: { accounts: new Map(), created: new Set() }, byKey: new Map(), also: {} };
  const [row] = await rows<Record<string, unknown>>(
    tx,
    sql`with recursive ${liveProfilesQueries(workspaceId, wanted)},
        ${lockedAccountsQueries(workspaceId, sql`select distinct id from live_profiles`, now)}
        select (select json_agg(json_build_array(start, id)) from live_profiles) as live,
          (select json_agg(locked) from locked) as accounts,
          (select json_agg(e) from (select ${ENTRY_COLUMNS}
             from points_entries_by_key(${workspaceId}::uuid, ${JSON.stringify([...new Set(keys)])}::jsonb, (select count(*) from locked))) e) as entries
          ${also ? sql`, ${also}` : sql``}`,
  );
  const { live, accounts, entries, ...rest } = row!;
  return {
    live: new Map((live as [string, string][] | null) ?? []),
    locked: toLocked((accounts as Record<string, unknown>[] | null) ?? []),
    byKey: new Map(((entries as Record<string, unknown>[] | null) ?? []).map((e) => [e.idempotency_key as string, toEntry(e)])),
    also: rest,
  };
}

/**
 * Removes the accounts a lock created that nothing was written to: a call that was refused (or only
 * replayed) leaves no account behind, as it would not have alone, its transaction rolled back.
 */
export async function dropUnusedAccounts(tx: Db, workspaceId: string, locked: LockedAccounts, used: Iterable<Account>): Promise<void> {
  const unused = new Set(locked.created);
  for (const a of used) unused.delete(a.profileId);
  if (unused.size === 0) return;
  // `version = 0`: never moved, so it has no entries (every write of an account moves its version).
  await tx.execute(sql`delete from points_accounts where workspace_id = ${workspaceId}::uuid and profile_id = any(${idArray(unused)}::uuid[]) and version = 0`);
}

/**
 * What a debit of these members may touch: their available buckets with points left or due to expire,
 * by profile id (the caller holds the accounts' locks).
 */
export async function spendableBuckets(tx: Db, workspaceId: string, profileIds: Iterable<string>, now: Date): Promise<Map<string, BucketRow[]>> {
  const ids = [...new Set(profileIds)];
  const byProfile = new Map<string, BucketRow[]>(ids.map((id) => [id, []]));
  if (ids.length === 0) return byProfile;
  const found = await rows<Record<string, unknown>>(
    tx,
    sql`select id, profile_id, entry_id, status, amount, remaining, order_id, earned_at, expires_at, pending_until from points_buckets
        where workspace_id = ${workspaceId}::uuid and profile_id = any(${idArray(ids)}::uuid[]) and status = 'available'
          and (remaining > 0 or expires_at <= ${now.toISOString()}::timestamptz)`,
  );
  for (const b of found) byProfile.get(b.profile_id as string)!.push(toBucket(b));
  return byProfile;
}

export interface LedgerWrites {
  /** Buckets to create, in their final state. */
  newBuckets: readonly BucketRow[];
  /** Existing buckets whose remaining points or status changed (absolute values). */
  changedBuckets: readonly Pick<BucketRow, "id" | "remaining" | "status">[];
  entries: readonly EntryRow[];
  /** The (locked) accounts whose cached balances moved. */
  accounts: readonly Account[];
}

/**
 * A row as a JSON object with the short keys `keys` gives, without its null fields (and without empty
 * lists or objects, which the statement's coalesce restores): a batch of hundreds of entries is sent,
 * parsed and copied as one parameter, and the long column names and nulls were half of it.
 */
function compact<T extends object>(row: T, keys: readonly (readonly [keyof T & string, string])[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, key] of keys) {
    const v = row[column] as unknown;
    if (v === null || v === undefined) continue;
    if (v instanceof Date) out[key] = isoTime(v);
    else if (Array.isArray(v) ? v.length === 0 : typeof v === "object" && Object.keys(v as object).length === 0) continue;
    else out[key] = v;
  }
  return out;
}

const BUCKET_KEYS = [
  ["id", "i"], ["profile_id", "p"], ["entry_id", "e"], ["status", "s"], ["amount", "a"], ["remaining", "r"],
  ["order_id", "o"], ["earned_at", "t"], ["expires_at", "x"], ["pending_until", "u"],
] as const satisfies readonly (readonly [keyof BucketRow, string])[];

/** An entry's keys but two: `n` (pending_delta) and `c` (created_at) are sent only when not 0 and not the batch's time (entryJson). */
const ENTRY_KEYS = [
  ["id", "i"], ["profile_id", "p"], ["kind", "k"], ["delta", "d"], ["reason", "r"], ["source", "s"],
  ["idempotency_key", "y"], ["bucket_id", "b"], ["reverses_entry_id", "v"], ["order_id", "o"], ["earn_day", "e"],
  ["allocations", "l"], ["metadata", "m"], ["actor", "a"], ["expires_at", "x"], ["pending_until", "u"],
] as const satisfies readonly (readonly [keyof EntryRow, string])[];

const sameInstant = (a: Date | null, b: Date | null) => (a === null || b === null ? a === b : a.getTime() === b.getTime());

/**
 * The new buckets their entry describes, by entry id: an earn's bucket has the entry's profile, order,
 * expiry and pending time and the points it moved, so it travels as a flag on the entry (with its
 * remaining points, status and earn time only where they differ from what the entry implies) instead
 * of a row of its own — almost half of an award's bytes. A bucket that differs in anything else is
 * written from its own row.
 */
function bucketsOfEntries(writes: LedgerWrites): { described: Map<string, BucketRow>; own: BucketRow[] } {
  if (writes.newBuckets.length === 0) return { described: new Map(), own: [] };
  const entries = new Map(writes.entries.map((e) => [e.id, e]));
  const described = new Map<string, BucketRow>();
  const own: BucketRow[] = [];
  for (const b of writes.newBuckets) {
    const e = entries.get(b.entry_id);
    const fits = e !== undefined && e.bucket_id === b.id && e.profile_id === b.profile_id && e.order_id === b.order_id &&
      e.delta + e.pending_delta === b.amount && sameInstant(e.expires_at, b.expires_at) && sameInstant(e.pending_until, b.pending_until);
    if (fits) described.set(e.id, b);
    else own.push(b);
  }
  return { described, own };
}

/** An entry as writeLedger sends it: created now unless it says so, and its new bucket's flag and differences. */
function entryJson(e: EntryRow, bucket: BucketRow | undefined, now: Date): Record<string, unknown> {
  const out = compact(e, ENTRY_KEYS);
  if (e.pending_delta !== 0) out.n = e.pending_delta;
  if (e.created_at.getTime() !== now.getTime()) out.c = isoTime(e.created_at);
  if (bucket) {
    out.B = 1;
    if (bucket.remaining !== bucket.amount) out.R = bucket.remaining;
    if (bucket.status !== (e.pending_until === null ? "available" : "pending")) out.S = bucket.status;
    if (bucket.earned_at.getTime() !== e.created_at.getTime()) out.T = isoTime(bucket.earned_at);
  }
  return out;
}

/**
 * Writes a batch's ledger changes in one statement (data-modifying CTEs, each part only when it has
 * rows): the new buckets (those their entry describes from its row, bucketsOfEntries), the changed
 * ones, the entries, the accounts' balances. The rows travel as `json`, not `jsonb`: each list is read
 * once, and json's input only checks the text where jsonb's builds a tree first (for 145 entries 1.9
 * against 2.2–2.9 ms on the server).
 */
export async function writeLedger(tx: Db, workspaceId: string, writes: LedgerWrites, now: Date): Promise<void> {
  const parts: SQL[] = [];
  const at = now.toISOString();
  const { described, own } = bucketsOfEntries(writes);
  if (own.length > 0) {
    parts.push(sql`new_buckets as (
      insert into points_buckets (id, workspace_id, profile_id, entry_id, status, amount, remaining, reversed, order_id, earned_at, expires_at, pending_until)
      select x.i, ${workspaceId}::uuid, x.p, x.e, x.s, x.a, x.r, 0, x.o, x.t, x.x, x.u
      from json_to_recordset(${JSON.stringify(own.map((b) => compact(b, BUCKET_KEYS)))}::json)
        as x(i uuid, p uuid, e uuid, s text, a bigint, r bigint, o text, t timestamptz, x timestamptz, u timestamptz))`);
  }
  if (writes.changedBuckets.length > 0) {
    const changes = writes.changedBuckets.map((b) => ({ i: b.id, r: b.remaining, s: b.status }));
    parts.push(sql`bucket_changes as materialized (select * from json_to_recordset(${JSON.stringify(changes)}::json) as x(i uuid, r bigint, s text))`);
    parts.push(sql`changed_buckets as (
      update points_buckets b set remaining = x.r, status = x.s
      from bucket_changes x where b.id = x.i and b.id = any(${idArray(changes.map((c) => c.i))}::uuid[]))`);
  }
  if (writes.entries.length > 0) {
    const entries = writes.entries.map((e) => entryJson(e, described.get(e.id), now));
    parts.push(sql`entry_rows as materialized (
      select x.i, x.p, x.k, x.d, coalesce(x.n, 0) as n, x.r, x.s, x.y, x.b, x.v, x.o, x.e, x.l, x.m, x.a, coalesce(x.c, ${at}::timestamptz) as c, x.x, x.u,
        x."B", x."R", x."S", x."T"
      from json_to_recordset(${JSON.stringify(entries)}::json)
        as x(i uuid, p uuid, k text, d bigint, n bigint, r text, s text, y text, b uuid, v uuid, o text, e text, l jsonb, m jsonb, a text,
             c timestamptz, x timestamptz, u timestamptz, "B" int, "R" bigint, "S" text, "T" timestamptz))`);
    parts.push(sql`new_entries as (
      insert into points_entries (id, workspace_id, profile_id, kind, delta, pending_delta, reason, source, idempotency_key, bucket_id, reverses_entry_id,
        order_id, earn_day, allocations, metadata, actor, created_at, expires_at, pending_until)
      select x.i, ${workspaceId}::uuid, x.p, x.k, x.d, x.n, x.r, x.s, x.y, x.b, x.v,
        x.o, x.e, coalesce(x.l, '[]'::jsonb), coalesce(x.m, '{}'::jsonb), x.a, x.c, x.x, x.u
      from entry_rows x)`);
    if (described.size > 0) {
      parts.push(sql`entry_buckets as (
        insert into points_buckets (id, workspace_id, profile_id, entry_id, status, amount, remaining, reversed, order_id, earned_at, expires_at, pending_until)
        select x.b, ${workspaceId}::uuid, x.p, x.i, coalesce(x."S", case when x.u is null then 'available' else 'pending' end), x.d + x.n,
          coalesce(x."R", x.d + x.n), 0, x.o, coalesce(x."T", x.c), x.x, x.u
        from entry_rows x where x."B" = 1)`);
    }
  }
  if (writes.accounts.length > 0) {
    const balances = writes.accounts.map((a) => ({ p: a.profileId, a: a.available, n: a.pending, l: a.lifetimeEarned, v: a.version }));
    parts.push(sql`balances as materialized (
      select * from json_to_recordset(${JSON.stringify(balances)}::json) as x(p uuid, a bigint, n bigint, l bigint, v int))`);
    parts.push(sql`moved_accounts as (
      update points_accounts a set available = x.a, pending = x.n, lifetime_earned = x.l, version = x.v, updated_at = ${at}::timestamptz
      from balances x where a.workspace_id = ${workspaceId}::uuid and a.profile_id = x.p and a.profile_id = any(${idArray(balances.map((b) => b.p))}::uuid[]))`);
  }
  if (parts.length === 0) return;
  await tx.execute(sql`with ${sql.join(parts, sql`, `)} select 1`);
}
