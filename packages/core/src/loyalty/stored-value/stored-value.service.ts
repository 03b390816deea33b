import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { RefundStoredValueBody, SpendStoredValueBody, StoredValueBalanceDto, StoredValueResultDto, StoredValueTransactionDto, TopUpBody } from "@siyu/contracts";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { isUniqueViolation } from "../../shared/domain-error";
import { newId } from "../../shared/ids";
import { loyaltyErrors } from "../loyalty.errors";
import { rows } from "../points/points.ledger";
import { loadSettings } from "../loyalty.settings";

export interface StoredValueDeps {
  db: Db;
  clock: Clock;
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
}

export interface TxRow {
  id: string;
  profile_id: string;
  kind: StoredValueTransactionDto["kind"];
  principal_minor: string | number;
  bonus_minor: string | number;
  order_id: string | null;
  reference: string | null;
  reverses_id: string | null;
  idempotency_key: string;
  actor: string | null;
  created_at: string | Date;
}

export interface Balance {
  principal: number;
  bonus: number;
  version: number;
}

function toTxDto(t: TxRow): StoredValueTransactionDto {
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

function toBalanceDto(profileId: string, b: Balance): StoredValueBalanceDto {
  return { profileId, principalMinor: b.principal, bonusMinor: b.bonus, totalMinor: b.principal + b.bonus, version: b.version };
}

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

async function readBalance(db: Db, workspaceId: string, profileId: string): Promise<Balance> {
  const [a] = await rows<{ principal_minor: string | number; bonus_minor: string | number; version: number }>(
    db,
    sql`select principal_minor, bonus_minor, version from stored_value_accounts where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid`,
  );
  return a ? { principal: Number(a.principal_minor), bonus: Number(a.bonus_minor), version: Number(a.version) } : { principal: 0, bonus: 0, version: 0 };
}

/**
 * Writes one transaction with its postings (which sum to zero by construction) and the member's new
 * balances: principal and bonus are the credit balances of member_principal and member_bonus.
 */
async function post(
  tx: Db,
  workspaceId: string,
  profileId: string,
  balance: Balance,
  t: { kind: TxRow["kind"]; principal: number; bonus: number; orderId: string | null; reference: string | null; reversesId: string | null; key: string; actor: string; postings: [string, number][] },
  now: Date,
): Promise<TxRow> {
  const sum = t.postings.reduce((s, [, amount]) => s + amount, 0);
  if (sum !== 0) throw new Error(`unbalanced stored-value postings (${sum})`);
  const id = newId();
  const [row] = await rows<TxRow>(
    tx,
    sql`insert into stored_value_transactions (id, workspace_id, profile_id, kind, principal_minor, bonus_minor, order_id, reference, reverses_id, idempotency_key, actor, created_at)
        values (${id}::uuid, ${workspaceId}::uuid, ${profileId}::uuid, ${t.kind}, ${t.principal}, ${t.bonus}, ${t.orderId}, ${t.reference}, ${t.reversesId}::uuid, ${t.key}, ${t.actor},
          ${now.toISOString()}::timestamptz)
        returning *`,
  );
  const postings = t.postings.filter(([, amount]) => amount !== 0).map(([account, amount]) => ({ id: newId(), account, amount }));
  await tx.execute(sql`
    insert into stored_value_postings (id, transaction_id, workspace_id, profile_id, account, amount_minor)
    select x.id, ${id}::uuid, ${workspaceId}::uuid, ${profileId}::uuid, x.account, x.amount
    from jsonb_to_recordset(${JSON.stringify(postings)}::jsonb) as x(id uuid, account text, amount bigint)`);
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

export function createStoredValueService(deps: StoredValueDeps) {
  const { db, clock } = deps;

  /** Runs a keyed operation once; a replay returns the first transaction, a reused key for something else is a conflict. */
  async function once(ctx: WorkspaceContext, profileId: string, key: string, signature: string, work: (tx: Db, balance: Balance, now: Date) => Promise<TxRow>): Promise<StoredValueResultDto> {
    const now = clock.now();
    const replay = async (on: Db): Promise<StoredValueResultDto | null> => {
      const [t] = await rows<TxRow & { signature?: string }>(on, sql`select * from stored_value_transactions where workspace_id = ${ctx.workspaceId}::uuid and idempotency_key = ${key}`);
      if (!t) return null;
      if (t.profile_id !== profileId || signatureOf(t) !== signature) throw loyaltyErrors.error("loyalty.idempotency_conflict", `Idempotency key "${key}" was used for a different request`);
      return { transaction: toTxDto(t), balance: toBalanceDto(profileId, await readBalance(on, ctx.workspaceId, profileId)), replayed: true };
    };
    try {
      return await db.transaction(async (tx) => {
        const balance = await lockBalance(tx, ctx.workspaceId, profileId, now);
        const prior = await replay(tx);
        if (prior) return prior;
        const t = await work(tx, balance, now);
        return { transaction: toTxDto(t), balance: toBalanceDto(profileId, balance), replayed: false };
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const prior = await replay(db);
      if (!prior) throw error;
      return prior;
    }
  }

  return {
    async balance(ctx: WorkspaceContext, profileId: string): Promise<StoredValueBalanceDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      return toBalanceDto(live, await readBalance(db, ctx.workspaceId, live));
    },

    async history(ctx: WorkspaceContext, profileId: string): Promise<StoredValueTransactionDto[]> {
      const live = await deps.resolveProfileId(ctx, profileId);
      const found = await rows<TxRow>(db, sql`select * from stored_value_transactions where workspace_id = ${ctx.workspaceId}::uuid and profile_id = ${live}::uuid order by created_at desc, id desc limit 200`);
      return found.map(toTxDto);
    },

    /** Money in, plus the bonus of the highest rule the amount reaches. */
    async topUp(ctx: WorkspaceContext, profileId: string, body: TopUpBody): Promise<StoredValueResultDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      return once(ctx, live, body.idempotencyKey, `topup:${body.amountMinor}`, async (tx, balance, now) => {
        const rules = (await loadSettings(tx, ctx.workspaceId)).storedValue.bonusRules;
        const bonus = rules.filter((r) => body.amountMinor >= r.minTopupMinor).reduce((best, r) => Math.max(best, r.bonusMinor), 0);
        return post(
          tx,
          ctx.workspaceId,
          live,
          balance,
          {
            kind: "topup",
            principal: body.amountMinor,
            bonus,
            orderId: null,
            reference: body.reference,
            reversesId: null,
            key: body.idempotencyKey,
            actor: ctx.actor.name,
            postings: [
              ["cash", body.amountMinor],
              ["member_principal", -body.amountMinor],
              ["bonus_expense", bonus],
              ["member_bonus", -bonus],
            ],
          },
          now,
        );
      });
    },

    /** Pays (part of) an order from the balance: never below zero; one spend per order id. */
    async spend(ctx: WorkspaceContext, profileId: string, body: SpendStoredValueBody): Promise<StoredValueResultDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      return once(ctx, live, body.idempotencyKey, `spend:${body.orderId}:${body.amountMinor}`, (tx, balance, now) =>
        spendStoredValue(tx, ctx.workspaceId, live, balance, { amountMinor: body.amountMinor, orderId: body.orderId, key: body.idempotencyKey, actor: ctx.actor.name }, now),
      );
    },

    /** Gives an order's spend back exactly: principal to principal, bonus to bonus; once. */
    async refund(ctx: WorkspaceContext, profileId: string, body: RefundStoredValueBody): Promise<StoredValueResultDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      return once(ctx, live, body.idempotencyKey, `refund:${body.orderId}`, (tx, balance, now) =>
        refundStoredValue(tx, ctx.workspaceId, live, balance, { orderId: body.orderId, key: body.idempotencyKey, actor: ctx.actor.name }, now),
      );
    },
  };
}
export type StoredValueService = ReturnType<typeof createStoredValueService>;

function signatureOf(t: TxRow): string {
  if (t.kind === "topup") return `topup:${Number(t.principal_minor)}`;
  if (t.kind === "spend") return `spend:${t.order_id}:${Number(t.principal_minor) + Number(t.bonus_minor)}`;
  return `refund:${t.order_id}`;
}

/** Pays (part of) an order from the locked balance, inside the caller's transaction: never below zero; one spend per order id. */
export async function spendStoredValue(
  tx: Db,
  workspaceId: string,
  profileId: string,
  balance: Balance,
  input: { amountMinor: number; orderId: string; key: string; actor: string },
  now: Date,
): Promise<TxRow> {
  const [used] = await rows<{ id: string }>(tx, sql`select id from stored_value_transactions where workspace_id = ${workspaceId}::uuid and order_id = ${input.orderId} and kind = 'spend'`);
  if (used) throw loyaltyErrors.error("loyalty.idempotency_conflict", `Order ${input.orderId} was already paid with stored value`);
  if (input.amountMinor > balance.principal + balance.bonus) {
    throw loyaltyErrors.error("loyalty.insufficient_balance", `The member has ${balance.principal + balance.bonus} in stored value, ${input.amountMinor} is needed`, {
      availableMinor: balance.principal + balance.bonus,
      neededMinor: input.amountMinor,
    });
  }
  const order = (await loadSettings(tx, workspaceId)).storedValue.spendOrder;
  const first = order === "principal_first" ? Math.min(input.amountMinor, balance.principal) : Math.min(input.amountMinor, balance.bonus);
  const principal = order === "principal_first" ? first : input.amountMinor - first;
  const bonus = input.amountMinor - principal;
  return post(
    tx,
    workspaceId,
    profileId,
    balance,
    {
      kind: "spend",
      principal,
      bonus,
      orderId: input.orderId,
      reference: null,
      reversesId: null,
      key: input.key,
      actor: input.actor,
      postings: [
        ["member_principal", principal],
        ["member_bonus", bonus],
        ["sales", -principal],
        ["bonus_expense", -bonus],
      ],
    },
    now,
  );
}

/** Gives an order's spend back exactly (principal to principal, bonus to bonus), once, inside the caller's transaction. */
export async function refundStoredValue(
  tx: Db,
  workspaceId: string,
  profileId: string,
  balance: Balance,
  input: { orderId: string; key: string; actor: string },
  now: Date,
): Promise<TxRow> {
  const [spent] = await rows<TxRow>(tx, sql`select * from stored_value_transactions where workspace_id = ${workspaceId}::uuid and order_id = ${input.orderId} and kind = 'spend' and profile_id = ${profileId}::uuid`);
  if (!spent) throw loyaltyErrors.error("loyalty.spend_not_found", `No stored-value spend for order ${input.orderId}`);
  const [back] = await rows<{ id: string }>(tx, sql`select id from stored_value_transactions where workspace_id = ${workspaceId}::uuid and reverses_id = ${spent.id}::uuid`);
  if (back) throw loyaltyErrors.error("loyalty.not_reversible", `Order ${input.orderId}'s spend was already refunded`);
  const principal = Number(spent.principal_minor);
  const bonus = Number(spent.bonus_minor);
  return post(
    tx,
    workspaceId,
    profileId,
    balance,
    {
      kind: "refund",
      principal,
      bonus,
      orderId: input.orderId,
      reference: null,
      reversesId: spent.id,
      key: input.key,
      actor: input.actor,
      postings: [
        ["sales", principal],
        ["bonus_expense", bonus],
        ["member_principal", -principal],
        ["member_bonus", -bonus],
      ],
    },
    now,
  );
}
