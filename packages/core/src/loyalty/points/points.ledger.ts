import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { LoyaltySettings } from "@siyu/contracts";
import { newId } from "../../shared/ids";
import { loyaltyErrors } from "../loyalty.errors";
import { addMonths, daysInMonth, localParts, zonedMidnight } from "../../shared/local-time";
import { rows } from "../../shared";
import { LedgerBatch, type DebitInput, type EarnInput, type ReverseEarnInput } from "./points.batch";
import { ENTRY_COLUMNS, toAccount, toBucket, toEntry, type Account, type EntryRow } from "./points.records";
import { spendableBuckets, writeLedger } from "./points.rows";

/** Raw query rows: the shared helper, re-exported for this module's files. */
export { rows };
export type { Account, EntryRow };

/**
 * The points ledger's primitives. Each runs inside the caller's transaction and starts by locking the
 * profile's account row (`for update`): every writer of a profile's buckets holds that lock, so balances
 * and buckets change one operation at a time and a redemption can never overdraw. Invariants kept here:
 *   account.available == sum(entries.delta), account.pending == sum(entries.pending_delta),
 *   sum(remaining of available buckets) == max(available, 0), sum(remaining of pending buckets) == pending.
 */

/** When points earned at `earnedAt` expire under the settings; null = never. */
export function expiryOf(settings: LoyaltySettings, earnedAt: Date, timeZone: string): Date | null {
  const rule = settings.points.expiry;
  if (rule.mode === "never") return null;
  if (rule.mode === "rolling") return addMonths(earnedAt, rule.months);
  const year = localParts(earnedAt, timeZone).year + rule.yearsAfter;
  const day = Math.min(rule.day, daysInMonth(year, rule.month));
  // The end of that local day, i.e. the next day's midnight.
  const next = new Date(Date.UTC(year, rule.month - 1, day + 1));
  const expires = zonedMidnight(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timeZone);
  // A fixed date already behind the earning (e.g. yearsAfter 0 late in the year) moves a year on.
  return expires > earnedAt ? expires : zonedMidnight(next.getUTCFullYear() + 1, next.getUTCMonth() + 1, next.getUTCDate(), timeZone);
}

/** Locks (creating if needed) a profile's account. Every ledger operation starts here. */
export async function lockAccount(tx: Db, workspaceId: string, profileId: string, now: Date): Promise<Account> {
  await tx.execute(sql`
    insert into points_accounts (workspace_id, profile_id, available, pending, lifetime_earned, version, updated_at)
    values (${workspaceId}::uuid, ${profileId}::uuid, 0, 0, 0, 0, ${now.toISOString()}::timestamptz)
    on conflict (workspace_id, profile_id) do nothing`);
  const [a] = await rows<Record<string, unknown>>(
    tx,
    sql`select profile_id, available, pending, lifetime_earned, version from points_accounts
        where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid for update`,
  );
  return toAccount(a!);
}

async function moveAccount(tx: Db, workspaceId: string, account: Account, change: { available?: number; pending?: number; lifetime?: number }, now: Date) {
  account.available += change.available ?? 0;
  account.pending += change.pending ?? 0;
  account.lifetimeEarned += change.lifetime ?? 0;
  account.version += 1;
  await tx.execute(sql`
    update points_accounts set available = ${account.available}, pending = ${account.pending}, lifetime_earned = ${account.lifetimeEarned},
      version = ${account.version}, updated_at = ${now.toISOString()}::timestamptz
    where workspace_id = ${workspaceId}::uuid and profile_id = ${account.profileId}::uuid`);
}

export async function findEntryByKey(db: Db, workspaceId: string, key: string): Promise<EntryRow | null> {
  const found = await rows<Record<string, unknown>>(
    db,
    sql`select ${ENTRY_COLUMNS} from points_entries where workspace_id = ${workspaceId}::uuid and idempotency_key = ${key}`,
  );
  return found[0] ? toEntry(found[0]) : null;
}

export async function findEntry(db: Db, workspaceId: string, id: string): Promise<EntryRow | null> {
  const found = await rows<Record<string, unknown>>(db, sql`select ${ENTRY_COLUMNS} from points_entries where workspace_id = ${workspaceId}::uuid and id = ${id}::uuid`);
  return found[0] ? toEntry(found[0]) : null;
}

type NewEntry = Omit<EntryRow, "id" | "workspace_id" | "created_at" | "allocations" | "metadata" | "earn_day" | "bucket_id" | "reverses_entry_id" | "order_id" | "expires_at" | "pending_until" | "reason" | "idempotency_key" | "actor" | "pending_delta"> &
  Partial<Pick<EntryRow, "allocations" | "metadata" | "earn_day" | "bucket_id" | "reverses_entry_id" | "order_id" | "expires_at" | "pending_until" | "reason" | "idempotency_key" | "actor" | "pending_delta">> & { id?: string };

async function insertEntry(tx: Db, workspaceId: string, e: NewEntry, now: Date): Promise<EntryRow> {
  const [row] = await rows<Record<string, unknown>>(
    tx,
    sql`insert into points_entries (id, workspace_id, profile_id, kind, delta, pending_delta, reason, source, idempotency_key, bucket_id,
          reverses_entry_id, order_id, earn_day, allocations, metadata, actor, created_at, expires_at, pending_until)
        values (${e.id ?? newId()}::uuid, ${workspaceId}::uuid, ${e.profile_id}::uuid, ${e.kind}, ${e.delta}, ${e.pending_delta ?? 0}, ${e.reason ?? null},
          ${e.source}, ${e.idempotency_key ?? null}, ${e.bucket_id ?? null}::uuid, ${e.reverses_entry_id ?? null}::uuid, ${e.order_id ?? null},
          ${e.earn_day ?? null}, ${JSON.stringify(e.allocations ?? [])}::jsonb, ${JSON.stringify(e.metadata ?? {})}::jsonb, ${e.actor ?? null},
          ${now.toISOString()}::timestamptz, ${e.expires_at?.toISOString() ?? null}::timestamptz, ${e.pending_until?.toISOString() ?? null}::timestamptz)
        returning ${ENTRY_COLUMNS}`,
  );
  return toEntry(row!);
}

async function shiftBuckets(tx: Db, changes: { bucket: string; amount: number }[], status?: string) {
  if (changes.length === 0) return;
  await tx.execute(sql`
    update points_buckets b set remaining = b.remaining + x.amount, status = coalesce(${status ?? null}, b.status)
    from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as x(bucket uuid, amount bigint)
    where b.id = x.bucket`);
}

/**
 * The judge (LedgerBatch) with a batch of one, written at once: how a single call inside its caller's
 * transaction earns, debits or expires, with the very rules group commit applies to many. `spends`:
 * the operation may take from or expire the member's buckets, so they are loaded first.
 */
async function judgeOne<T>(tx: Db, workspaceId: string, account: Account, now: Date, spends: boolean, judge: (ledger: LedgerBatch) => T): Promise<T> {
  const buckets = spends ? await spendableBuckets(tx, workspaceId, [account.profileId], now) : new Map();
  const ledger = new LedgerBatch(workspaceId, now, new Map([[account.profileId, account]]), buckets);
  const result = judge(ledger);
  await writeLedger(tx, workspaceId, ledger.writes(), now);
  return result;
}

/** Expires this profile's due buckets (inside the account lock), one entry per bucket; returns the points expired. */
export function expireDueForAccount(tx: Db, workspaceId: string, account: Account, now: Date): Promise<number> {
  return judgeOne(tx, workspaceId, account, now, true, (ledger) => ledger.expireDue(account.profileId));
}

/** Credits a new bucket. While the balance is negative (allowed debt) new available points pay the debt first. */
export function earn(tx: Db, workspaceId: string, account: Account, input: EarnInput, now: Date): Promise<EntryRow> {
  return judgeOne(tx, workspaceId, account, now, false, (ledger) => ledger.earn(input));
}

/** Takes points oldest first; refuses with loyalty.insufficient_points (writing nothing) unless a negative balance is allowed. */
export function debit(tx: Db, workspaceId: string, account: Account, input: DebitInput, now: Date): Promise<EntryRow> {
  return judgeOne(tx, workspaceId, account, now, true, (ledger) => ledger.debit(input));
}

/** The entries that reverse this one (points_entries_reverses_idx holds only reversals). */
export const reversalsOf = (workspaceId: string, entryId: string) =>
  sql`select id from points_entries where workspace_id = ${workspaceId}::uuid and reverses_entry_id = ${entryId}::uuid`;

/**
 * Reverses a redemption or a deduction exactly: the points go back into the very buckets they came from
 * (paying any debt first); points whose bucket has expired meanwhile expire again at once, with their own entry.
 */
export async function restoreDebit(
  tx: Db,
  workspaceId: string,
  account: Account,
  original: EntryRow,
  input: { idempotencyKey: string | null; reason: string | null; actor?: string | null; source: string },
  now: Date,
): Promise<EntryRow> {
  if (original.delta >= 0 || (original.kind !== "redeem" && original.kind !== "adjust")) {
    throw loyaltyErrors.error("loyalty.not_reversible", "Only redemptions and deductions can be reversed this way");
  }
  const done = await rows<{ id: string }>(tx, reversalsOf(workspaceId, original.id));
  if (done.length > 0) throw loyaltyErrors.error("loyalty.not_reversible", "This entry has already been reversed");
  const amount = -original.delta;
  // Buckets must end holding max(available, 0): what goes back is that change, into the buckets the
  // debit took from. A debt takes its share first; a deduction that went below zero took less from
  // buckets than it deducted, and what it took beyond them comes back as a bucket of its own.
  let add = Math.max(account.available + amount, 0) - Math.max(account.available, 0);
  const back: { bucket: string; amount: number }[] = [];
  for (const a of original.allocations) {
    const put = Math.min(add, a.amount);
    if (put > 0) back.push({ bucket: a.bucket, amount: put });
    add -= put;
  }
  // Expired buckets come back to "available" for a moment and are expired again just below.
  await shiftBuckets(tx, back, "available");
  if (add > 0) {
    const bucketId = newId();
    await tx.execute(sql`
      insert into points_buckets (id, workspace_id, profile_id, entry_id, status, amount, remaining, reversed, earned_at, expires_at)
      values (${bucketId}::uuid, ${workspaceId}::uuid, ${account.profileId}::uuid, ${original.id}::uuid, 'available', ${add}, ${add}, 0,
        ${now.toISOString()}::timestamptz, null)`);
    back.push({ bucket: bucketId, amount: add });
  }
  const entry = await insertEntry(
    tx,
    workspaceId,
    {
      profile_id: account.profileId,
      kind: "reverse",
      delta: amount,
      source: input.source,
      reason: input.reason,
      idempotency_key: input.idempotencyKey,
      reverses_entry_id: original.id,
      actor: input.actor ?? null,
      allocations: back,
    },
    now,
  );
  await moveAccount(tx, workspaceId, account, { available: amount }, now);
  await expireDueForAccount(tx, workspaceId, account, now);
  return entry;
}

/**
 * Takes back (part of) an earn, e.g. on a refund, as LedgerBatch.reverseEarn judges it, no more than the
 * earn has not had taken back yet (its bucket's `reversed`). Returns null when nothing is left to take back.
 */
export async function reverseEarn(
  tx: Db,
  workspaceId: string,
  account: Account,
  input: Omit<ReverseEarnInput, "profileId"> & { bucketId: string },
  now: Date,
): Promise<EntryRow | null> {
  const [found] = await rows<Record<string, unknown>>(
    tx,
    sql`select id, profile_id, entry_id, status, amount, remaining, reversed, order_id, earned_at, expires_at, pending_until from points_buckets
        where id = ${input.bucketId}::uuid and workspace_id = ${workspaceId}::uuid`,
  );
  if (!found) throw loyaltyErrors.error("loyalty.entry_not_found", "The earn's bucket does not exist");
  const earned = toBucket(found);
  const points = Math.min(input.points, earned.amount - Number(found.reversed));
  if (points <= 0) return null;
  await tx.execute(sql`update points_buckets set reversed = reversed + ${points} where id = ${earned.id}::uuid`);
  return judgeOne(tx, workspaceId, account, now, true, (ledger) => ledger.reverseEarn(earned, { ...input, profileId: account.profileId, points }));
}

/** Releases this profile's pending buckets that are due (inside the account lock). */
export async function releaseDueForAccount(tx: Db, workspaceId: string, account: Account, now: Date): Promise<number> {
  const due = await rows<{ id: string; remaining: string | number; entry_id: string; order_id: string | null }>(
    tx,
    sql`select id, remaining, entry_id, order_id from points_buckets
        where workspace_id = ${workspaceId}::uuid and profile_id = ${account.profileId}::uuid and status = 'pending'
          and pending_until <= ${now.toISOString()}::timestamptz order by earned_at, id`,
  );
  let released = 0;
  for (const b of due) {
    const amount = Number(b.remaining);
    const debt = Math.max(0, -account.available);
    const keep = amount - Math.min(amount, debt);
    await tx.execute(sql`update points_buckets set status = 'available', remaining = ${keep} where id = ${b.id}::uuid`);
    if (amount > 0) {
      await insertEntry(
        tx,
        workspaceId,
        { profile_id: account.profileId, kind: "release", delta: amount, pending_delta: -amount, source: "release", bucket_id: b.id, order_id: b.order_id, reverses_entry_id: null, reason: "pending points released" },
        now,
      );
      await moveAccount(tx, workspaceId, account, { available: amount, pending: -amount }, now);
      released += amount;
    }
  }
  return released;
}

/**
 * Moves a merged-away profile's points to the profile that absorbed it: buckets change owner,
 * one transfer entry leaves the old account and one arrives on the live one. Locks in id order.
 */
export async function transferAccount(tx: Db, workspaceId: string, fromId: string, intoId: string, now: Date): Promise<void> {
  const [first, second] = fromId < intoId ? [fromId, intoId] : [intoId, fromId];
  const a = await lockAccount(tx, workspaceId, first, now);
  const b = await lockAccount(tx, workspaceId, second, now);
  const from = a.profileId === fromId ? a : b;
  const into = a.profileId === fromId ? b : a;
  if (from.available === 0 && from.pending === 0) return;
  await tx.execute(sql`update points_buckets set profile_id = ${intoId}::uuid where workspace_id = ${workspaceId}::uuid and profile_id = ${fromId}::uuid`);
  const meta = { from: fromId, into: intoId };
  await insertEntry(tx, workspaceId, { profile_id: fromId, kind: "transfer", delta: -from.available, pending_delta: -from.pending, source: "merge", reason: "profile merged", metadata: meta }, now);
  await insertEntry(tx, workspaceId, { profile_id: intoId, kind: "transfer", delta: from.available, pending_delta: from.pending, source: "merge", reason: "profile merged", metadata: meta }, now);
  const moved = { available: from.available, pending: from.pending, lifetime: from.lifetimeEarned };
  await moveAccount(tx, workspaceId, from, { available: -moved.available, pending: -moved.pending, lifetime: -moved.lifetime }, now);
  await moveAccount(tx, workspaceId, into, moved, now);
  // A debt on either side eats the oldest moved points.
  await judgeOne(tx, workspaceId, into, now, true, (ledger) => ledger.settleBuckets(intoId));
}
