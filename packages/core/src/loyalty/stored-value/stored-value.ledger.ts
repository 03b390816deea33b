import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { StoredValueBalanceDto, StoredValueTransactionDto } from "@siyu/contracts";
import { newId } from "../../shared/ids";
import { addDays } from "../../shared/local-time";
import { loyaltyErrors } from "../loyalty.errors";
import { rows } from "../points/points.ledger";

/**
 * The stored-value ledger. Accounts (debits positive, every transaction sums to zero): cash,
 * member_principal and member_bonus (what the brand owes members: credit balances), bonus_expense,
 * sales. A member's stored value is made of lots (one per top-up); `stored_value_accounts` caches the
 * member's two balances. Every writer locks the member's account row first, then touches lots.
 */

export type TxKind = StoredValueTransactionDto["kind"];
const uuids = (ids: readonly string[]) => `{${ids.join(",")}}`;
export interface Allocation {
  lot: string;
  principal: number;
  bonus: number;
}

export interface TxRow {
  id: string;
  profile_id: string;
  kind: TxKind;
  principal_minor: string | number;
  bonus_minor: string | number;
  order_id: string | null;
  reference: string | null;
  reverses_id: string | null;
  allocations: Allocation[] | null;
  idempotency_key: string;
  actor: string | null;
  created_at: string | Date;
}

export interface Balance {
  principal: number;
  bonus: number;
  version: number;
}

interface LotRow {
  id: string;
  principal_remaining: string | number;
  bonus_remaining: string | number;
}

export function toTxDto(t: TxRow): StoredValueTransactionDto {
  return {
    id: t.id,
    profileId: t.profile_id,
    kind: t.kind,
    principalMinor: Number(t.principal_minor),
    bonusMinor: Number(t.bonus_minor),
    orderId: t.order_id,
    reference: t.reference,
    reversesId: t.reverses_id,
    idempotencyKey: t.idempotency_key,
    actor: t.actor,
    createdAt: new Date(t.created_at).toISOString(),
  };
}

export function toBalanceDto(profileId: string, b: Balance): StoredValueBalanceDto {
  return { profileId, principalMinor: b.principal, bonusMinor: b.bonus, totalMinor: b.principal + b.bonus, version: b.version };
}

const allocationsOf = (t: TxRow): Allocation[] => (t.allocations ?? []).map((a) => ({ lot: a.lot, principal: Number(a.principal), bonus: Number(a.bonus) }));

export async function lockBalance(tx: Db, workspaceId: string, profileId: string, now: Date): Promise<Balance> {
  await tx.execute(sql`
    insert into stored_value_accounts (workspace_id, profile_id, principal_minor, bonus_minor, version, updated_at)
    values (${workspaceId}::uuid, ${profileId}::uuid, 0, 0, 0, ${now.toISOString()}::timestamptz) on conflict (workspace_id, profile_id) do nothing`);
  const [a] = await rows<{ principal_minor: string | number; bonus_minor: string | number; version: number }>(
    tx,
    sql`select principal_minor, bonus_minor, version from stored_value_accounts where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid for update`,
  );
  return { principal: Number(a!.principal_minor), bonus: Number(a!.bonus_minor), version: Number(a!.version) };
}

/** A member's balance; with `alsoOf`, plus what those profiles' accounts hold (profiles merged into it). */
export async function readBalance(db: Db, workspaceId: string, profileId: string, alsoOf: readonly string[] = []): Promise<Balance> {
  const ids = uuids([profileId, ...alsoOf.filter((id) => id !== profileId)]);
  const [a] = await rows<{ principal_minor: string | number | null; bonus_minor: string | number | null; version: number | null }>(
    db,
    sql`select sum(principal_minor) as principal_minor, sum(bonus_minor) as bonus_minor, max(version) filter (where profile_id = ${profileId}::uuid) as version
        from stored_value_accounts where workspace_id = ${workspaceId}::uuid and profile_id = any(${ids}::uuid[])`,
  );
  return { principal: Number(a?.principal_minor ?? 0), bonus: Number(a?.bonus_minor ?? 0), version: Number(a?.version ?? 0) };
}

export async function findTxByKey(db: Db, workspaceId: string, key: string): Promise<TxRow | null> {
  const [t] = await rows<TxRow>(db, sql`select * from stored_value_transactions where workspace_id = ${workspaceId}::uuid and idempotency_key = ${key}`);
  return t ?? null;
}

export interface PostInput {
  id?: string;
  kind: TxKind;
  principal: number;
  bonus: number;
  orderId?: string | null;
  reference?: string | null;
  reversesId?: string | null;
  key: string;
  actor: string;
  /** Signed changes to lots' remaining amounts. */
  lots: Allocation[];
  postings: [string, number][];
}

/**
 * Writes one transaction with its postings (which must sum to zero), moves the lots and the member's
 * cached balances: principal and bonus are the credit balances of member_principal and member_bonus.
 */
export async function post(tx: Db, workspaceId: string, profileId: string, balance: Balance, t: PostInput, now: Date): Promise<TxRow> {
  const sum = t.postings.reduce((s, [, amount]) => s + amount, 0);
  if (sum !== 0) throw new Error(`unbalanced stored-value postings (${sum})`);
  const id = t.id ?? newId();
  const allocations = t.lots.map((l) => ({ lot: l.lot, principal: Math.abs(l.principal), bonus: Math.abs(l.bonus) }));
  const [row] = await rows<TxRow>(
    tx,
    sql`insert into stored_value_transactions (id, workspace_id, profile_id, kind, principal_minor, bonus_minor, order_id, reference, reverses_id, allocations, idempotency_key, actor, created_at)
        values (${id}::uuid, ${workspaceId}::uuid, ${profileId}::uuid, ${t.kind}, ${t.principal}, ${t.bonus}, ${t.orderId ?? null}, ${t.reference ?? null}, ${t.reversesId ?? null}::uuid,
          ${JSON.stringify(allocations)}::jsonb, ${t.key}, ${t.actor}, ${now.toISOString()}::timestamptz)
        returning *`,
  );
  const postings = t.postings.filter(([, amount]) => amount !== 0).map(([account, amount]) => ({ id: newId(), account, amount }));
  await tx.execute(sql`
    insert into stored_value_postings (id, transaction_id, workspace_id, profile_id, account, amount_minor)
    select x.id, ${id}::uuid, ${workspaceId}::uuid, ${profileId}::uuid, x.account, x.amount
    from jsonb_to_recordset(${JSON.stringify(postings)}::jsonb) as x(id uuid, account text, amount bigint)`);
  if (t.lots.length > 0) {
    await tx.execute(sql`
      update stored_value_lots l set principal_remaining = l.principal_remaining + x.principal, bonus_remaining = l.bonus_remaining + x.bonus
      from jsonb_to_recordset(${JSON.stringify(t.lots)}::jsonb) as x(lot uuid, principal bigint, bonus bigint)
      where l.id = x.lot`);
  }
  // A credit (negative posting) on a member account raises what the brand owes the member.
  const owed = (account: string) => -t.postings.filter(([a]) => a === account).reduce((s, [, amount]) => s + amount, 0);
  balance.principal += owed("member_principal");
  balance.bonus += owed("member_bonus");
  balance.version += 1;
  await tx.execute(sql`
    update stored_value_accounts set principal_minor = ${balance.principal}, bonus_minor = ${balance.bonus}, version = ${balance.version}, updated_at = ${now.toISOString()}::timestamptz
    where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid`);
  return row!;
}

async function insertLot(tx: Db, workspaceId: string, profileId: string, topupId: string | null, principal: number, bonus: number, bonusExpiresAt: Date | null, now: Date): Promise<string> {
  const id = newId();
  // Created at 0/0: the transaction that funds it moves the remaining amounts with its postings.
  await tx.execute(sql`
    insert into stored_value_lots (id, workspace_id, profile_id, topup_id, principal_minor, bonus_minor, principal_remaining, bonus_remaining, bonus_expires_at, created_at)
    values (${id}::uuid, ${workspaceId}::uuid, ${profileId}::uuid, ${topupId}::uuid, ${principal}, ${bonus}, 0, 0, ${bonusExpiresAt?.toISOString() ?? null}::timestamptz, ${now.toISOString()}::timestamptz)`);
  return id;
}

export interface Op {
  workspaceId: string;
  /** The live profile, whose account is locked. */
  profileId: string;
  /** It and the profiles merged into it: whose earlier spends and top-ups it may refund. */
  owners: string[];
  balance: Balance;
  key: string;
  actor: string;
  now: Date;
}

/** Money in: a lot with the principal and the bonus (expiring `bonusExpiryDays` after, or never). */
export async function topUpLocked(tx: Db, op: Op, input: { amountMinor: number; bonusMinor: number; reference: string; bonusExpiryDays: number | null }): Promise<TxRow> {
  const txId = newId();
  const expires = input.bonusMinor > 0 && input.bonusExpiryDays !== null ? addDays(op.now, input.bonusExpiryDays) : null;
  const lot = await insertLot(tx, op.workspaceId, op.profileId, txId, input.amountMinor, input.bonusMinor, expires, op.now);
  return post(
    tx,
    op.workspaceId,
    op.profileId,
    op.balance,
    {
      id: txId,
      kind: "topup",
      principal: input.amountMinor,
      bonus: input.bonusMinor,
      reference: input.reference,
      key: op.key,
      actor: op.actor,
      lots: [{ lot, principal: input.amountMinor, bonus: input.bonusMinor }],
      postings: [
        ["cash", input.amountMinor],
        ["member_principal", -input.amountMinor],
        ["bonus_expense", input.bonusMinor],
        ["member_bonus", -input.bonusMinor],
      ],
    },
    op.now,
  );
}

/** Takes `amount` of one balance from the lots, oldest first. */
function take(lots: LotRow[], field: "principal_remaining" | "bonus_remaining", amount: number, into: Map<string, Allocation>) {
  let left = amount;
  for (const l of lots) {
    if (left === 0) break;
    const n = Math.min(left, Number(l[field]));
    if (n === 0) continue;
    const a = into.get(l.id) ?? { lot: l.id, principal: 0, bonus: 0 };
    if (field === "principal_remaining") a.principal += n;
    else a.bonus += n;
    into.set(l.id, a);
    left -= n;
  }
}

/**
 * Pays (part of) an order: `spendOrder` says which balance goes first; within a balance the oldest lots
 * go first. Never below zero; one spend per order id.
 */
export async function spendLocked(tx: Db, op: Op, input: { amountMinor: number; orderId: string; spendOrder: "principal_first" | "bonus_first" }): Promise<TxRow> {
  const [used] = await rows<{ id: string }>(tx, sql`select id from stored_value_transactions where workspace_id = ${op.workspaceId}::uuid and order_id = ${input.orderId} and kind = 'spend'`);
  if (used) throw loyaltyErrors.error("loyalty.idempotency_conflict", `Order ${input.orderId} was already paid with stored value`);
  const { balance } = op;
  if (input.amountMinor > balance.principal + balance.bonus) {
    throw loyaltyErrors.error("loyalty.insufficient_balance", `The member has ${balance.principal + balance.bonus} in stored value, ${input.amountMinor} is needed`, {
      availableMinor: balance.principal + balance.bonus,
      neededMinor: input.amountMinor,
    });
  }
  const first = input.spendOrder === "principal_first" ? Math.min(input.amountMinor, balance.principal) : Math.min(input.amountMinor, balance.bonus);
  const principal = input.spendOrder === "principal_first" ? first : input.amountMinor - first;
  const bonus = input.amountMinor - principal;
  const lots = await rows<LotRow>(
    tx,
    sql`select id, principal_remaining, bonus_remaining from stored_value_lots
        where workspace_id = ${op.workspaceId}::uuid and profile_id = ${op.profileId}::uuid and (principal_remaining > 0 or bonus_remaining > 0)
        order by created_at, id`,
  );
  const taken = new Map<string, Allocation>();
  take(lots, "principal_remaining", principal, taken);
  take(lots, "bonus_remaining", bonus, taken);
  return post(
    tx,
    op.workspaceId,
    op.profileId,
    balance,
    {
      kind: "spend",
      principal,
      bonus,
      orderId: input.orderId,
      key: op.key,
      actor: op.actor,
      lots: [...taken.values()].map((a) => ({ lot: a.lot, principal: -a.principal, bonus: -a.bonus })),
      postings: [
        ["member_principal", principal],
        ["member_bonus", bonus],
        ["sales", -principal],
        ["bonus_expense", -bonus],
      ],
    },
    op.now,
  );
}

/**
 * Gives back (part of) an order's spend. Several refunds never exceed the spend; each splits its amount
 * between principal and bonus in the spend's proportion, rounded on the running total (so the last
 * refund returns exactly what is left of each), and returns them to the lots the spend took them from,
 * the lot taken last first. What cannot go back to a lot (a spend older than lots) makes a new lot.
 */
export async function refundLocked(tx: Db, op: Op, input: { orderId: string; amountMinor?: number | undefined }): Promise<TxRow> {
  const [spent] = await rows<TxRow>(
    tx,
    sql`select * from stored_value_transactions where workspace_id = ${op.workspaceId}::uuid and order_id = ${input.orderId} and kind = 'spend' and profile_id = any(${uuids(op.owners)}::uuid[])`,
  );
  if (!spent) throw loyaltyErrors.error("loyalty.spend_not_found", `No stored-value spend for order ${input.orderId}`);
  const before = await rows<TxRow>(tx, sql`select * from stored_value_transactions where workspace_id = ${op.workspaceId}::uuid and reverses_id = ${spent.id}::uuid and kind = 'refund'`);
  const P = Number(spent.principal_minor);
  const B = Number(spent.bonus_minor);
  const backP = before.reduce((s, t) => s + Number(t.principal_minor), 0);
  const backB = before.reduce((s, t) => s + Number(t.bonus_minor), 0);
  const left = P + B - backP - backB;
  if (left === 0) throw loyaltyErrors.error("loyalty.not_reversible", `Order ${input.orderId}'s spend was already refunded`);
  const amount = input.amountMinor ?? left;
  if (amount > left) {
    throw loyaltyErrors.error("loyalty.refund_exceeds_spend", `Only ${left} of order ${input.orderId}'s spend is left to refund`, { refundableMinor: left, requestedMinor: amount });
  }
  const principal = Math.round(((backP + backB + amount) * P) / (P + B)) - backP;
  const bonus = amount - principal;
  // What each lot may still take back: what the spend took from it, less what earlier refunds gave back.
  const room = new Map(allocationsOf(spent).map((a) => [a.lot, { ...a }]));
  for (const a of before.flatMap(allocationsOf)) {
    const r = room.get(a.lot);
    if (r) {
      r.principal -= a.principal;
      r.bonus -= a.bonus;
    }
  }
  const back = new Map<string, Allocation>();
  const give = (field: "principal" | "bonus", total: number) => {
    let rest = total;
    for (const r of [...room.values()].reverse()) {
      const n = Math.min(rest, r[field]);
      if (n <= 0) continue;
      const a = back.get(r.lot) ?? { lot: r.lot, principal: 0, bonus: 0 };
      a[field] += n;
      back.set(r.lot, a);
      rest -= n;
    }
    return rest;
  };
  const restP = give("principal", principal);
  const restB = give("bonus", bonus);
  if (restP > 0 || restB > 0) {
    const lot = await insertLot(tx, op.workspaceId, op.profileId, null, restP, restB, null, op.now);
    back.set(lot, { lot, principal: restP, bonus: restB });
  }
  return post(
    tx,
    op.workspaceId,
    op.profileId,
    op.balance,
    {
      kind: "refund",
      principal,
      bonus,
      orderId: input.orderId,
      reversesId: spent.id,
      key: op.key,
      actor: op.actor,
      lots: [...back.values()],
      postings: [
        ["sales", principal],
        ["bonus_expense", bonus],
        ["member_principal", -principal],
        ["member_bonus", -bonus],
      ],
    },
    op.now,
  );
}

/**
 * Pays back a top-up's unspent principal (cash Cr) and forfeits what is left of its bonus (back to
 * bonus_expense). Only the lot's own remaining amounts move, so no member account goes negative.
 * Refused when all of its principal is spent; once per top-up.
 */
export async function refundTopUpLocked(tx: Db, op: Op, input: { topupId: string; reason: string }): Promise<TxRow> {
  const [topup] = await rows<TxRow>(
    tx,
    sql`select * from stored_value_transactions where workspace_id = ${op.workspaceId}::uuid and id = ${input.topupId}::uuid and kind = 'topup' and profile_id = any(${uuids(op.owners)}::uuid[])`,
  );
  if (!topup) throw loyaltyErrors.error("loyalty.topup_not_found", "No such top-up for this customer");
  const [done] = await rows<{ id: string }>(tx, sql`select id from stored_value_transactions where workspace_id = ${op.workspaceId}::uuid and reverses_id = ${topup.id}::uuid and kind = 'topup_refund'`);
  if (done) throw loyaltyErrors.error("loyalty.not_reversible", "This top-up was already refunded");
  const [lot] = await rows<LotRow>(tx, sql`select id, principal_remaining, bonus_remaining from stored_value_lots where topup_id = ${topup.id}::uuid`);
  const principal = Number(lot?.principal_remaining ?? 0);
  const bonus = Number(lot?.bonus_remaining ?? 0);
  if (!lot || principal === 0) {
    throw loyaltyErrors.error("loyalty.topup_spent", "The top-up's principal has been spent: nothing to pay back", { toppedUpMinor: Number(topup.principal_minor) });
  }
  return post(
    tx,
    op.workspaceId,
    op.profileId,
    op.balance,
    {
      kind: "topup_refund",
      principal,
      bonus,
      reference: input.reason,
      reversesId: topup.id,
      key: op.key,
      actor: op.actor,
      lots: [{ lot: lot.id, principal: -principal, bonus: -bonus }],
      postings: [
        ["member_principal", principal],
        ["cash", -principal],
        ["member_bonus", bonus],
        ["bonus_expense", -bonus],
      ],
    },
    op.now,
  );
}

/**
 * Expires the due bonus of the given (already locked) accounts, set-based: one `bonus_expiry`
 * transaction per lot (member_bonus Dr, bonus_expense Cr), the lots zeroed, the cached balances moved.
 */
export async function expireBonusOf(tx: Db, locked: { workspace_id: string; profile_id: string }[], now: Date): Promise<number> {
  if (locked.length === 0) return 0;
  const at = now.toISOString();
  const [result] = await rows<{ bonus: string | number | null }>(
    tx,
    sql`with locked as (select * from jsonb_to_recordset(${JSON.stringify(locked)}::jsonb) as x(workspace_id uuid, profile_id uuid)),
        due as (
          select l.id, l.workspace_id, l.profile_id, l.bonus_remaining as amount, gen_random_uuid() as tx_id from stored_value_lots l
          join locked k on k.workspace_id = l.workspace_id and k.profile_id = l.profile_id
          where l.bonus_remaining > 0 and l.bonus_expires_at <= ${at}::timestamptz),
        zeroed as (update stored_value_lots l set bonus_remaining = 0 from due where l.id = due.id),
        txs as (
          insert into stored_value_transactions (id, workspace_id, profile_id, kind, principal_minor, bonus_minor, allocations, idempotency_key, actor, created_at)
          select tx_id, workspace_id, profile_id, 'bonus_expiry', 0, amount, jsonb_build_array(jsonb_build_object('lot', id, 'principal', 0, 'bonus', amount)),
            'bonus-expiry:' || tx_id::text, 'system', ${at}::timestamptz from due),
        posts as (
          insert into stored_value_postings (id, transaction_id, workspace_id, profile_id, account, amount_minor)
          select gen_random_uuid(), tx_id, workspace_id, profile_id, 'member_bonus', amount from due
          union all
          select gen_random_uuid(), tx_id, workspace_id, profile_id, 'bonus_expense', -amount from due),
        sums as (select workspace_id, profile_id, sum(amount) as total from due group by workspace_id, profile_id),
        moved as (
          update stored_value_accounts a set bonus_minor = a.bonus_minor - s.total, version = a.version + 1, updated_at = ${at}::timestamptz
          from sums s where a.workspace_id = s.workspace_id and a.profile_id = s.profile_id)
        select coalesce(sum(total), 0) as bonus from sums`,
  );
  return Number(result?.bonus ?? 0);
}

/**
 * The job: locks up to `limit` accounts holding due bonus (in key order) and expires it. Idempotent. Merged-away
 * profiles are left out: a fold locks the live account before theirs, so locking theirs here in key
 * order could deadlock with it; their lots expire once folded into the live profile.
 */
export async function expireDueBonus(db: Db, now: Date, limit = 1000): Promise<{ accounts: number; bonusMinor: number }> {
  return db.transaction(async (tx) => {
    const locked = await rows<{ workspace_id: string; profile_id: string }>(
      tx,
      sql`select a.workspace_id, a.profile_id from stored_value_accounts a
          where (a.workspace_id, a.profile_id) in (
            select distinct l.workspace_id, l.profile_id from stored_value_lots l
            join profiles p on p.workspace_id = l.workspace_id and p.id = l.profile_id and p.merged_into is null
            where l.bonus_remaining > 0 and l.bonus_expires_at <= ${now.toISOString()}::timestamptz limit ${limit})
          order by a.workspace_id, a.profile_id for update`,
    );
    return { accounts: locked.length, bonusMinor: await expireBonusOf(tx, locked, now) };
  });
}
