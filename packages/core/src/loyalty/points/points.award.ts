import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { LoyaltySettings } from "@siyu/contracts";
import { loyaltyErrors } from "../loyalty.errors";
import { loadSettings } from "../loyalty.settings";
import { workspaceTimeZone } from "../loyalty-workspace";
import { LedgerBatch, type EarnInput } from "./points.batch";
import { earn, expiryOf, findEntryByKey, lockAccount, rows } from "./points.ledger";
import { toAccount, type Account, type EntryRow } from "./points.records";
import { dropUnusedAccounts, lockAccounts, writeLedger, type LockedAccounts } from "./points.rows";

/** Points paid to a member for something done (a check-in, a task, a badge …), once per key. */
export interface AwardRequest {
  /** A positive whole number. */
  points: number;
  /** Where the points come from: check_in, activity, task, badge, catalogue, api … */
  source: string;
  reason: string | null;
  /** Once per key in the workspace: a replay returns the first entry and changes nothing. */
  idempotencyKey: string;
  metadata?: Record<string, unknown>;
  actor?: string | null;
  /** When the points count as earned (expiry runs from it); default `now`. */
  earnedAt?: Date;
}

export interface AwardPointsInput extends AwardRequest {
  workspaceId: string;
  profileId: string;
  /** Read inside the transaction when not given. */
  settings?: LoyaltySettings;
  timeZone?: string;
}

/** What an award earns: points available at once, expiring by the workspace's rules from when they were earned. */
export function awardEarn(profileId: string, award: AwardRequest, settings: LoyaltySettings, timeZone: string, now: Date): EarnInput {
  const earnedAt = award.earnedAt ?? now;
  const { points, source, reason, idempotencyKey } = award;
  return { profileId, points, kind: "earn", source, reason, idempotencyKey, actor: award.actor ?? null, earnedAt, expiresAt: expiryOf(settings, earnedAt, timeZone), pendingUntil: null, metadata: award.metadata ?? {} };
}

/**
 * Credits points to a member inside the caller's transaction: locks the account, answers a replayed key
 * with its first entry, otherwise earns a bucket (available at once, paying any debt first) that expires
 * by the workspace's rules. The one way other loyalty features (check-ins, tasks, badges …) pay points
 * inside a transaction they hold; without one, `points.award` group-commits the same award.
 * A key already used for another member or another amount is loyalty.idempotency_conflict.
 */
export async function awardPoints(tx: Db, input: AwardPointsInput, now: Date): Promise<EntryRow> {
  return (await awardPointsOnce(tx, input, now)).entry;
}

/** awardPoints, also answering whether the key was a replay and the account after the award. */
export async function awardPointsOnce(tx: Db, input: AwardPointsInput, now: Date): Promise<{ entry: EntryRow; account: Account; replayed: boolean }> {
  if (!Number.isInteger(input.points) || input.points <= 0) throw new RangeError(`awardPoints needs a positive whole number of points, got ${input.points}`);
  const account = await lockAccount(tx, input.workspaceId, input.profileId, now);
  const existing = await findEntryByKey(tx, input.workspaceId, input.idempotencyKey);
  if (existing) {
    if (!sameAward(existing, input)) {
      throw loyaltyErrors.error("loyalty.idempotency_conflict", `Idempotency key "${input.idempotencyKey}" was used for a different award`);
    }
    return { entry: existing, account, replayed: true };
  }
  const settings = input.settings ?? (await loadSettings(tx, input.workspaceId));
  const timeZone = input.timeZone ?? (await workspaceTimeZone(tx, input.workspaceId));
  const entry = await earn(tx, input.workspaceId, account, awardEarn(input.profileId, input, settings, timeZone, now), now);
  return { entry, account, replayed: false };
}

/** Whether a stored entry is this award again (same member, same points): a replay, not a conflict. */
export function sameAward(entry: EntryRow, award: { profileId: string; points: number }): boolean {
  return entry.profile_id === award.profileId && entry.delta + entry.pending_delta === award.points;
}

/**
 * Locks the accounts of many members (creating missing ones) in (workspace, profile) order — the order
 * every multi-account writer uses, so two of them never wait on each other in a cycle. Returns the
 * locks by workspace, for dropAccountsLeftEmpty once the batch is written.
 */
export async function lockAccountsInKeyOrder(
  tx: Db,
  members: Iterable<{ workspaceId: string; profileId: string }>,
  now: Date,
): Promise<Map<string, LockedAccounts>> {
  const byWorkspace = new Map<string, Set<string>>();
  for (const m of members) byWorkspace.set(m.workspaceId, (byWorkspace.get(m.workspaceId) ?? new Set()).add(m.profileId));
  const locked = new Map<string, LockedAccounts>();
  for (const workspaceId of [...byWorkspace.keys()].sort()) locked.set(workspaceId, await lockAccounts(tx, workspaceId, byWorkspace.get(workspaceId)!, now));
  return locked;
}

/**
 * Removes the accounts a batch's lock created and nothing wrote to: a member whose order or activity
 * earned nothing (no rule, a cap, zero points) keeps no empty account.
 */
export async function dropAccountsLeftEmpty(tx: Db, locked: Map<string, LockedAccounts>): Promise<void> {
  for (const [workspaceId, lock] of locked) await dropUnusedAccounts(tx, workspaceId, lock, []);
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
 * Writes many earns of one workspace in one statement (buckets, entries, balances), judged as `earn`
 * one at a time (LedgerBatch): pending or available, new available points paying a debt first.
 * The caller holds the accounts' locks and passes them (they are moved in memory too); keys must be new.
 * Returns the entry ids, in the order of `earns`.
 */
export async function earnBatch(tx: Db, workspaceId: string, accounts: Map<string, Account>, earns: readonly BatchEarn[], now: Date): Promise<string[]> {
  if (earns.length === 0) return [];
  const ledger = new LedgerBatch(workspaceId, now, accounts, new Map());
  const ids = earns.map((x) => ledger.earn({ ...x, kind: "earn" }).id);
  await writeLedger(tx, workspaceId, ledger.writes(), now);
  return ids;
}

/** Which of these keys the workspace's ledger already has. */
export async function usedKeys(tx: Db, workspaceId: string, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const found = await rows<{ idempotency_key: string }>(
    tx,
    sql`select idempotency_key from points_entries where workspace_id = ${workspaceId}::uuid and idempotency_key = any(array(select jsonb_array_elements_text(${JSON.stringify([...new Set(keys)])}::jsonb)))`,
  );
  return new Set(found.map((r) => r.idempotency_key));
}
