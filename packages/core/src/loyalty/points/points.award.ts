import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { LoyaltySettings } from "@siyu/contracts";
import { newId } from "../../shared/ids";
import { loyaltyErrors } from "../loyalty.errors";
import { loadSettings } from "../loyalty.settings";
import { workspaceTimeZone } from "../loyalty-workspace";
import { earn, expiryOf, findEntryByKey, lockAccount, rows, toAccount, type Account, type EntryRow } from "./points.ledger";

export interface AwardPointsInput {
  workspaceId: string;
  profileId: string;
  /** A positive whole number. */
  points: number;
  /** Where the points come from: check_in, activity, task, badge, catalogue … */
  source: string;
  reason: string | null;
  /** Once per key in the workspace: a replay returns the first entry and changes nothing. */
  idempotencyKey: string;
  metadata?: Record<string, unknown>;
  actor?: string | null;
  /** When the points count as earned (expiry runs from it); default `now`. */
  earnedAt?: Date;
  /** Read inside the transaction when not given. */
  settings?: LoyaltySettings;
  timeZone?: string;
}

/**
 * Credits points to a member inside the caller's transaction: locks the account, answers a replayed key
 * with its first entry, otherwise earns a bucket (available at once, paying any debt first) that expires
 * by the workspace's rules. The one way other loyalty features (check-ins, tasks, badges …) pay points.
 * A key already used for another member or another amount is loyalty.idempotency_conflict.
 */
export async function awardPoints(tx: Db, input: AwardPointsInput, now: Date): Promise<EntryRow> {
  if (!Number.isInteger(input.points) || input.points <= 0) throw new RangeError(`awardPoints needs a positive whole number of points, got ${input.points}`);
  const account = await lockAccount(tx, input.workspaceId, input.profileId, now);
  const existing = await findEntryByKey(tx, input.workspaceId, input.idempotencyKey);
  if (existing) {
    if (existing.profile_id !== input.profileId || existing.delta + existing.pending_delta !== input.points) {
      throw loyaltyErrors.error("loyalty.idempotency_conflict", `Idempotency key "${input.idempotencyKey}" was used for a different award`);
    }
    return existing;
  }
  const settings = input.settings ?? (await loadSettings(tx, input.workspaceId));
  const earnedAt = input.earnedAt ?? now;
  return earn(
    tx,
    input.workspaceId,
    account,
    {
      profileId: input.profileId,
      points: input.points,
      kind: "earn",
      source: input.source,
      reason: input.reason,
      idempotencyKey: input.idempotencyKey,
      actor: input.actor ?? null,
      earnedAt,
      expiresAt: expiryOf(settings, earnedAt, input.timeZone ?? (await workspaceTimeZone(tx, input.workspaceId))),
      pendingUntil: null,
      metadata: input.metadata ?? {},
    },
    now,
  );
}

/**
 * Locks the accounts of many members (creating missing ones) in (workspace, profile) order — the order
 * every multi-account writer uses, so two of them never wait on each other in a cycle.
 */
export async function lockAccountsInKeyOrder(tx: Db, members: Iterable<{ workspaceId: string; profileId: string }>, now: Date): Promise<void> {
  const byWorkspace = new Map<string, Set<string>>();
  for (const m of members) byWorkspace.set(m.workspaceId, (byWorkspace.get(m.workspaceId) ?? new Set()).add(m.profileId));
  for (const workspaceId of [...byWorkspace.keys()].sort()) {
    const ids = `{${[...byWorkspace.get(workspaceId)!].sort().join(",")}}`;
    await tx.execute(sql`
      insert into points_accounts (workspace_id, profile_id, available, pending, lifetime_earned, version, updated_at)
      select ${workspaceId}::uuid, unnest(${ids}::uuid[]), 0, 0, 0, 0, ${now.toISOString()}::timestamptz
      on conflict (workspace_id, profile_id) do nothing`);
    await tx.execute(sql`
      select profile_id from points_accounts where workspace_id = ${workspaceId}::uuid and profile_id = any(${ids}::uuid[])
      order by profile_id for update`);
  }
}

/** The (already locked) accounts of these members, by profile id. */
export async function readAccounts(tx: Db, workspaceId: string, profileIds: readonly string[]): Promise<Map<string, Account>> {
  const ids = `{${profileIds.join(",")}}`;
  const found = await rows<Record<string, unknown>>(
    tx,
    sql`select profile_id, available, pending, lifetime_earned, version from points_accounts where workspace_id = ${workspaceId}::uuid and profile_id = any(${ids}::uuid[])`,
  );
  return new Map(found.map((a) => [a.profile_id as string, toAccount(a)]));
}

export interface BatchEarn {
  profileId: string;
  points: number;
  source: string;
  reason: string | null;
  idempotencyKey: string;
  orderId?: string | null;
  earnDay?: string | null;
  earnedAt: Date;
  expiresAt: Date | null;
  /** Pending until then when in the future; null = available at once. */
  pendingUntil: Date | null;
  metadata: Record<string, unknown>;
}

/**
 * Writes many earns of one workspace in three statements (buckets, entries, balances), with the same
 * rules as `earn` one at a time: pending or available, new available points paying a debt first.
 * The caller holds the accounts' locks and passes them (they are moved in memory too); keys must be new.
 * Returns the entry ids, in the order of `earns`.
 */
export async function earnBatch(tx: Db, workspaceId: string, accounts: Map<string, Account>, earns: readonly BatchEarn[], now: Date): Promise<string[]> {
  if (earns.length === 0) return [];
  const buckets: Record<string, unknown>[] = [];
  const entries: Record<string, unknown>[] = [];
  const moved = new Set<string>();
  for (const x of earns) {
    const account = accounts.get(x.profileId);
    if (!account) throw new Error(`earnBatch: account of ${x.profileId} is not locked`);
    const pending = x.pendingUntil !== null && x.pendingUntil > now;
    const debt = pending ? 0 : Math.max(0, -account.available);
    const entryId = newId();
    const bucketId = newId();
    buckets.push({
      id: bucketId,
      profile_id: x.profileId,
      entry_id: entryId,
      status: pending ? "pending" : "available",
      amount: x.points,
      remaining: x.points - Math.min(x.points, debt),
      order_id: x.orderId ?? null,
      earned_at: x.earnedAt.toISOString(),
      expires_at: x.expiresAt?.toISOString() ?? null,
      pending_until: pending ? x.pendingUntil!.toISOString() : null,
    });
    entries.push({
      id: entryId,
      profile_id: x.profileId,
      delta: pending ? 0 : x.points,
      pending_delta: pending ? x.points : 0,
      reason: x.reason,
      source: x.source,
      idempotency_key: x.idempotencyKey,
      bucket_id: bucketId,
      order_id: x.orderId ?? null,
      earn_day: x.earnDay ?? null,
      metadata: x.metadata,
      expires_at: x.expiresAt?.toISOString() ?? null,
      pending_until: pending ? x.pendingUntil!.toISOString() : null,
    });
    if (pending) account.pending += x.points;
    else account.available += x.points;
    account.lifetimeEarned += x.points;
    account.version += 1;
    moved.add(x.profileId);
  }
  await tx.execute(sql`
    insert into points_buckets (id, workspace_id, profile_id, entry_id, status, amount, remaining, reversed, order_id, earned_at, expires_at, pending_until)
    select x.id, ${workspaceId}::uuid, x.profile_id, x.entry_id, x.status, x.amount, x.remaining, 0, x.order_id, x.earned_at, x.expires_at, x.pending_until
    from jsonb_to_recordset(${JSON.stringify(buckets)}::jsonb)
      as x(id uuid, profile_id uuid, entry_id uuid, status text, amount bigint, remaining bigint, order_id text, earned_at timestamptz, expires_at timestamptz, pending_until timestamptz)`);
  await tx.execute(sql`
    insert into points_entries (id, workspace_id, profile_id, kind, delta, pending_delta, reason, source, idempotency_key, bucket_id, order_id, earn_day,
      allocations, metadata, created_at, expires_at, pending_until)
    select x.id, ${workspaceId}::uuid, x.profile_id, 'earn', x.delta, x.pending_delta, x.reason, x.source, x.idempotency_key, x.bucket_id, x.order_id, x.earn_day,
      '[]'::jsonb, x.metadata, ${now.toISOString()}::timestamptz, x.expires_at, x.pending_until
    from jsonb_to_recordset(${JSON.stringify(entries)}::jsonb)
      as x(id uuid, profile_id uuid, delta bigint, pending_delta bigint, reason text, source text, idempotency_key text, bucket_id uuid, order_id text, earn_day text,
           metadata jsonb, expires_at timestamptz, pending_until timestamptz)`);
  const balances = [...moved].map((id) => {
    const a = accounts.get(id)!;
    return { profile_id: id, available: a.available, pending: a.pending, lifetime: a.lifetimeEarned, version: a.version };
  });
  await tx.execute(sql`
    update points_accounts a set available = x.available, pending = x.pending, lifetime_earned = x.lifetime, version = x.version, updated_at = ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(balances)}::jsonb) as x(profile_id uuid, available bigint, pending bigint, lifetime bigint, version int)
    where a.workspace_id = ${workspaceId}::uuid and a.profile_id = x.profile_id`);
  return entries.map((e) => e.id as string);
}

/** Which of these keys the workspace's ledger already has. */
export async function usedKeys(tx: Db, workspaceId: string, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const found = await rows<{ idempotency_key: string }>(
    tx,
    sql`select idempotency_key from points_entries where workspace_id = ${workspaceId}::uuid and idempotency_key in (select jsonb_array_elements_text(${JSON.stringify([...new Set(keys)])}::jsonb))`,
  );
  return new Set(found.map((r) => r.idempotency_key));
}
