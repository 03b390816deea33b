import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { RefundStoredValueBody, RefundTopUpBody, SpendStoredValueBody, StoredValueBalanceDto, StoredValueResultDto, StoredValueTransactionDto, TopUpBody } from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { isUniqueViolation } from "../../shared/domain-error";
import { loyaltyErrors } from "../loyalty.errors";
import { rows } from "../points/points.ledger";
import { loadSettings } from "../loyalty.settings";
import {
  expireBonusOf,
  expireDueBonus,
  findTxByKey,
  lockBalance,
  readBalance,
  refundLocked,
  refundTopUpLocked,
  spendLocked,
  toBalanceDto,
  toTxDto,
  topUpLocked,
  type Op,
  type TxRow,
} from "./stored-value.ledger";
import { foldMergedInto, foldMergedStoredValue, memberProfiles } from "./stored-value.merges";

export interface StoredValueDeps {
  db: Db;
  clock: Clock;
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
}

const total = (t: TxRow) => Number(t.principal_minor) + Number(t.bonus_minor);

/**
 * Runs a keyed stored-value operation once inside `tx`: the member's account is locked and what
 * profiles merged into it held is folded onto it (foldMergedInto), a replay returns the first
 * transaction (a key reused for something else is a conflict), due bonus expires before the work.
 */
export async function storedValueOnce(
  tx: Db,
  ctx: WorkspaceContext,
  profileId: string,
  key: string,
  now: Date,
  matches: (t: TxRow) => boolean,
  work: (op: Op) => Promise<TxRow>,
): Promise<StoredValueResultDto> {
  const balance = await lockBalance(tx, ctx.workspaceId, profileId, now);
  const owners = await foldMergedInto(tx, ctx.workspaceId, profileId, balance, ctx.actor.name, now);
  const prior = await findTxByKey(tx, ctx.workspaceId, key);
  if (prior) return replayOf(tx, ctx, profileId, owners, key, prior, matches);
  if (await expireBonusOf(tx, [{ workspace_id: ctx.workspaceId, profile_id: profileId }], now)) Object.assign(balance, await readBalance(tx, ctx.workspaceId, profileId));
  const t = await work({ workspaceId: ctx.workspaceId, profileId, owners, balance, key, actor: ctx.actor.name, now });
  return { transaction: toTxDto(t), balance: toBalanceDto(profileId, balance), replayed: false };
}

async function replayOf(db: Db, ctx: WorkspaceContext, profileId: string, owners: readonly string[], key: string, t: TxRow, matches: (t: TxRow) => boolean): Promise<StoredValueResultDto> {
  if (!owners.includes(t.profile_id) || !matches(t)) throw loyaltyErrors.error("loyalty.idempotency_conflict", `Idempotency key "${key}" was used for a different request`);
  return { transaction: toTxDto(t), balance: toBalanceDto(profileId, await readBalance(db, ctx.workspaceId, profileId)), replayed: true };
}

export function createStoredValueService(deps: StoredValueDeps) {
  const { db, clock } = deps;

  /** One transaction per operation; a replay racing past the lock is answered from the stored transaction. */
  async function once(ctx: WorkspaceContext, profileId: string, key: string, matches: (t: TxRow) => boolean, work: (tx: Db, op: Op) => Promise<TxRow>): Promise<StoredValueResultDto> {
    const now = clock.now();
    try {
      return await db.transaction((tx) => storedValueOnce(tx, ctx, profileId, key, now, matches, (op) => work(tx, op)));
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const prior = await findTxByKey(db, ctx.workspaceId, key);
      if (!prior) throw error;
      return replayOf(db, ctx, profileId, await memberProfiles(db, ctx.workspaceId, profileId), key, prior, matches);
    }
  }

  return {
    /** The live profile's balance with what profiles merged into it still hold (until a fold moves it). */
    async balance(ctx: WorkspaceContext, profileId: string): Promise<StoredValueBalanceDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      return toBalanceDto(live, await readBalance(db, ctx.workspaceId, live, await memberProfiles(db, ctx.workspaceId, live)));
    },

    /** The transactions of the live profile and of the profiles merged into it, newest first. */
    async history(ctx: WorkspaceContext, profileId: string): Promise<StoredValueTransactionDto[]> {
      const live = await deps.resolveProfileId(ctx, profileId);
      const owners = `{${(await memberProfiles(db, ctx.workspaceId, live)).join(",")}}`;
      const found = await rows<TxRow>(
        db,
        sql`select * from stored_value_transactions where workspace_id = ${ctx.workspaceId}::uuid and profile_id = any(${owners}::uuid[]) order by created_at desc, id desc limit 200`,
      );
      return found.map(toTxDto);
    },

    /** The job: what merged-away profiles still hold moves to their live profiles. */
    runMergeFold: () => foldMergedStoredValue(db, clock.now()),

    /** Money in, plus the bonus of the highest rule the amount reaches (expiring after `bonusExpiryDays`). */
    async topUp(ctx: WorkspaceContext, profileId: string, body: TopUpBody): Promise<StoredValueResultDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      return once(ctx, live, body.idempotencyKey, (t) => t.kind === "topup" && Number(t.principal_minor) === body.amountMinor, async (tx, op) => {
        const settings = (await loadSettings(tx, ctx.workspaceId)).storedValue;
        const bonus = settings.bonusRules.filter((r) => body.amountMinor >= r.minTopupMinor).reduce((best, r) => Math.max(best, r.bonusMinor), 0);
        return topUpLocked(tx, op, { amountMinor: body.amountMinor, bonusMinor: bonus, reference: body.reference, bonusExpiryDays: settings.bonusExpiryDays });
      });
    },

    /** Pays (part of) an order from the balance: never below zero; one spend per order id. */
    async spend(ctx: WorkspaceContext, profileId: string, body: SpendStoredValueBody): Promise<StoredValueResultDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      return once(ctx, live, body.idempotencyKey, (t) => t.kind === "spend" && t.order_id === body.orderId && total(t) === body.amountMinor, async (tx, op) =>
        spendLocked(tx, op, { amountMinor: body.amountMinor, orderId: body.orderId, spendOrder: (await loadSettings(tx, ctx.workspaceId)).storedValue.spendOrder }),
      );
    },

    /** Gives back (part of) an order's spend, in the spend's principal/bonus proportion, to the lots it came from. */
    async refund(ctx: WorkspaceContext, profileId: string, body: RefundStoredValueBody): Promise<StoredValueResultDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      const matches = (t: TxRow) => t.kind === "refund" && t.order_id === body.orderId && (body.amountMinor === undefined || total(t) === body.amountMinor);
      return once(ctx, live, body.idempotencyKey, matches, (tx, op) => refundLocked(tx, op, body));
    },

    /** Cash out a top-up's unspent principal; its remaining bonus is forfeited. Audited in the same transaction. */
    async refundTopUp(ctx: WorkspaceContext, profileId: string, topupId: string, body: RefundTopUpBody): Promise<StoredValueResultDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      return once(ctx, live, body.idempotencyKey, (t) => t.kind === "topup_refund" && t.reverses_id === topupId, async (tx, op) => {
        const t = await refundTopUpLocked(tx, op, { topupId, reason: body.reason });
        await appendAuditEntry(tx, clock, ctx, {
          action: "loyalty.topup_refunded",
          targetType: "stored_value_transaction",
          targetId: topupId,
          summary: `Top-up refunded: ${Number(t.principal_minor)} paid back, ${Number(t.bonus_minor)} bonus forfeited (${body.reason})`,
          after: { profileId: live, principalMinor: Number(t.principal_minor), bonusMinor: Number(t.bonus_minor), reason: body.reason },
        });
        return t;
      });
    },

    /** The job: bonus past its expiry, up to 1,000 accounts per transaction until none is left. */
    async runBonusExpiry(limit = 1000): Promise<{ accounts: number; bonusMinor: number }> {
      const sum = { accounts: 0, bonusMinor: 0 };
      for (;;) {
        const r = await expireDueBonus(db, clock.now(), limit);
        sum.accounts += r.accounts;
        sum.bonusMinor += r.bonusMinor;
        if (r.accounts < limit) return sum;
      }
    },
  };
}
export type StoredValueService = ReturnType<typeof createStoredValueService>;
