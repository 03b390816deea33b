import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { CatalogueItemDto, RedemptionOrderDto } from "@siyu/contracts";
import { newId } from "../../shared/ids";
import { localDay } from "../../shared/local-time";
import { loyaltyErrors } from "../loyalty.errors";
import { debit, findEntry, restoreDebit, rows, type Account } from "../points/points.ledger";
import { exchangeForCoupon, type CouponRow } from "../coupons/coupons.ledger";
import { loadSettings } from "../loyalty.settings";
import { expireBonusOf, lockBalance, refundLocked, spendLocked } from "../stored-value/stored-value.ledger";
import { foldMergedInto } from "../stored-value/stored-value.merges";

/**
 * The catalogue's primitives, each inside the caller's transaction. Lock order, the same everywhere:
 * the member's points account, then the redemption order, then the item (then a coupon template).
 * The item row is locked (`for update`) for the whole check-and-decrement, so stock and limits are
 * judged by one redeemer at a time; the account lock makes a member's limits exact.
 */

export interface ItemRow {
  id: string;
  workspace_id: string;
  kind: "goods" | "coupon";
  sku: string | null;
  name: string;
  description: string | null;
  image_url: string | null;
  points_cost: number;
  cash_minor: string | number | null;
  stock: number | null;
  redeemed_count: number;
  per_member_limit: number | null;
  per_member_daily_limit: number | null;
  available_from: string | Date | null;
  available_until: string | Date | null;
  store_ids: string[] | null;
  template_id: string | null;
  status: CatalogueItemDto["status"];
  created_at: string | Date;
  updated_at: string | Date;
}

export interface OrderRow {
  id: string;
  workspace_id: string;
  profile_id: string;
  item_id: string;
  item_kind: "goods" | "coupon";
  item_name: string;
  source: "redemption" | "lottery";
  status: RedemptionOrderDto["status"];
  points_cost: number;
  cash_minor: string | number | null;
  pay_with: "stored_value" | "external" | null;
  payment_reference: string | null;
  payment_due_at: string | Date | null;
  store_id: string | null;
  coupon_id: string | null;
  points_entry_id: string | null;
  stored_value_transaction_id: string | null;
  fulfilment: RedemptionOrderDto["fulfilment"];
  note: string | null;
  cancel_reason: string | null;
  idempotency_key: string | null;
  request: string | null;
  created_at: string | Date;
  fulfilled_at: string | Date | null;
  cancelled_at: string | Date | null;
}

const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());
const num = (v: string | number | null) => (v === null ? null : Number(v));

export function toItemDto(i: ItemRow): CatalogueItemDto {
  return {
    id: i.id,
    kind: i.kind,
    sku: i.sku,
    name: i.name,
    description: i.description,
    imageUrl: i.image_url,
    pointsCost: Number(i.points_cost),
    cashMinor: num(i.cash_minor),
    stock: i.stock === null ? null : Number(i.stock),
    redeemedCount: Number(i.redeemed_count),
    perMemberLimit: i.per_member_limit,
    perMemberDailyLimit: i.per_member_daily_limit,
    availableFrom: iso(i.available_from),
    availableUntil: iso(i.available_until),
    storeIds: i.store_ids,
    templateId: i.template_id,
    status: i.status,
    createdAt: iso(i.created_at)!,
    updatedAt: iso(i.updated_at)!,
  };
}

export function toOrderDto(o: OrderRow): RedemptionOrderDto {
  return {
    id: o.id,
    profileId: o.profile_id,
    itemId: o.item_id,
    itemKind: o.item_kind,
    itemName: o.item_name,
    source: o.source,
    status: o.status,
    pointsCost: Number(o.points_cost),
    cashMinor: num(o.cash_minor),
    payWith: o.pay_with,
    paymentReference: o.payment_reference,
    paymentDueAt: iso(o.payment_due_at),
    storeId: o.store_id,
    couponId: o.coupon_id,
    pointsEntryId: o.points_entry_id,
    fulfilment: o.fulfilment,
    note: o.note,
    cancelReason: o.cancel_reason,
    createdAt: iso(o.created_at)!,
    fulfilledAt: iso(o.fulfilled_at),
    cancelledAt: iso(o.cancelled_at),
  };
}

export async function lockItem(tx: Db, workspaceId: string, itemId: string): Promise<ItemRow> {
  const [item] = await rows<ItemRow>(tx, sql`select * from catalogue_items where workspace_id = ${workspaceId}::uuid and id = ${itemId}::uuid for update`);
  if (!item || item.status === "archived") throw loyaltyErrors.error("loyalty.item_not_found", "No such catalogue item");
  return item;
}

/** Why an item cannot be redeemed now (paused, outside its dates, another store), or null. */
export function unavailability(item: ItemRow, now: Date, storeId: string | null): string | null {
  if (item.status !== "active") return "the item is paused";
  if (item.available_from !== null && new Date(item.available_from) > now) return "the item is not available yet";
  if (item.available_until !== null && new Date(item.available_until) <= now) return "the item is no longer available";
  if (item.store_ids !== null && (storeId === null || !item.store_ids.includes(storeId))) return "the item is not offered at this store";
  return null;
}

/** The member's redemptions of an item not cancelled, in all and on the given local day. */
export async function memberCounts(db: Db, workspaceId: string, itemId: string, profileId: string, day: string): Promise<{ total: number; today: number }> {
  const [c] = await rows<{ total: number; today: number }>(
    db,
    sql`select count(*)::int as total, count(*) filter (where redeem_day = ${day})::int as today from redemption_orders
        where workspace_id = ${workspaceId}::uuid and item_id = ${itemId}::uuid and profile_id = ${profileId}::uuid and status <> 'cancelled' and source = 'redemption'`,
  );
  return { total: Number(c?.total ?? 0), today: Number(c?.today ?? 0) };
}

export async function insertOrder(tx: Db, o: Omit<OrderRow, "created_at" | "fulfilled_at" | "cancelled_at" | "cancel_reason" | "note" | "payment_reference"> & { actor: string; redeemDay: string; now: Date }): Promise<OrderRow> {
  const fulfilled = o.status === "fulfilled" ? o.now.toISOString() : null;
  const [row] = await rows<OrderRow>(
    tx,
    sql`insert into redemption_orders (id, workspace_id, profile_id, item_id, item_kind, item_name, source, status, points_cost, cash_minor, pay_with,
          payment_due_at, store_id, coupon_id, points_entry_id, stored_value_transaction_id, fulfilment, idempotency_key, request, redeem_day, actor, created_at, fulfilled_at)
        values (${o.id}::uuid, ${o.workspace_id}::uuid, ${o.profile_id}::uuid, ${o.item_id}::uuid, ${o.item_kind}, ${o.item_name}, ${o.source}, ${o.status},
          ${o.points_cost}, ${o.cash_minor}, ${o.pay_with}, ${iso(o.payment_due_at)}::timestamptz, ${o.store_id}, ${o.coupon_id}::uuid, ${o.points_entry_id}::uuid,
          ${o.stored_value_transaction_id}::uuid, ${o.fulfilment}, ${o.idempotency_key}, ${o.request}, ${o.redeemDay}, ${o.actor},
          ${o.now.toISOString()}::timestamptz, ${fulfilled}::timestamptz)
        returning *`,
  );
  return row!;
}

/** Takes one unit of a goods item (the caller holds its lock); null stock is unlimited. */
export async function takeStock(tx: Db, item: ItemRow): Promise<void> {
  if (item.stock !== null && item.stock < 1) throw loyaltyErrors.error("loyalty.out_of_stock", `"${item.name}" is out of stock`);
  await tx.execute(sql`update catalogue_items set stock = stock - 1, redeemed_count = redeemed_count + 1 where id = ${item.id}::uuid`);
}

export interface RedeemInput {
  workspaceId: string;
  itemId: string;
  storeId: string | null;
  payWith: "stored_value" | "external" | null;
  idempotencyKey: string;
  request: string;
  actor: string;
  now: Date;
  timeZone: string;
  paymentTimeoutMinutes: number;
}

/**
 * One redemption, inside the caller's transaction holding the member's account lock: the item is locked,
 * availability, limits and stock are checked, the points taken oldest first, the cash part paid from stored
 * value (or left awaiting an external payment), the stock decremented and the order recorded.
 */
export async function redeemItem(tx: Db, account: Account, input: RedeemInput): Promise<{ order: OrderRow; coupon: CouponRow | null }> {
  const { workspaceId, now } = input;
  const item = await lockItem(tx, workspaceId, input.itemId);
  const why = unavailability(item, now, input.storeId);
  if (why) throw loyaltyErrors.error("loyalty.item_unavailable", `"${item.name}" cannot be redeemed: ${why}`, { reason: why });
  const cash = num(item.cash_minor);
  if (cash !== null && input.payWith === null) {
    throw loyaltyErrors.error("loyalty.payment_required", `"${item.name}" has a cash part: say how it is paid (payWith)`, { path: "payWith" });
  }
  const day = localDay(now, input.timeZone);
  const counts = await memberCounts(tx, workspaceId, item.id, account.profileId, day);
  if (item.per_member_limit !== null && counts.total >= item.per_member_limit) {
    throw loyaltyErrors.error("loyalty.limit_reached", `At most ${item.per_member_limit} per member`, { limit: "perMemberLimit" });
  }
  if (item.per_member_daily_limit !== null && counts.today >= item.per_member_daily_limit) {
    throw loyaltyErrors.error("loyalty.limit_reached", `At most ${item.per_member_daily_limit} per member per day`, { limit: "perMemberDailyLimit" });
  }
  const orderId = newId();
  const pointsKey = `catalogue:${orderId}`;
  const base = {
    id: orderId,
    workspace_id: workspaceId,
    profile_id: account.profileId,
    item_id: item.id,
    item_kind: item.kind,
    item_name: item.name,
    source: "redemption" as const,
    points_cost: Number(item.points_cost),
    store_id: input.storeId,
    idempotency_key: input.idempotencyKey,
    request: input.request,
    actor: input.actor,
    redeemDay: day,
    now,
  };
  if (item.kind === "coupon") {
    const { coupon, entry } = await exchangeForCoupon(tx, account, {
      workspaceId,
      templateId: item.template_id!,
      pointsCost: Number(item.points_cost),
      issueKey: pointsKey,
      idempotencyKey: pointsKey,
      actor: input.actor,
      metadata: { redemptionId: orderId },
      now,
      timeZone: input.timeZone,
    });
    await tx.execute(sql`update catalogue_items set redeemed_count = redeemed_count + 1 where id = ${item.id}::uuid`);
    const order = await insertOrder(tx, {
      ...base,
      status: "fulfilled",
      cash_minor: null,
      pay_with: null,
      payment_due_at: null,
      coupon_id: coupon.id,
      points_entry_id: entry.id,
      stored_value_transaction_id: null,
      fulfilment: "issued",
    });
    return { order, coupon };
  }
  await takeStock(tx, item);
  const entry =
    Number(item.points_cost) > 0
      ? await debit(
          tx,
          workspaceId,
          account,
          { profileId: account.profileId, points: Number(item.points_cost), kind: "redeem", source: "catalogue", reason: `Redeemed ${item.name}`, idempotencyKey: pointsKey, actor: input.actor, mayGoNegative: false, metadata: { redemptionId: orderId } },
          now,
        )
      : null;
  let paid: string | null = null;
  if (cash !== null && input.payWith === "stored_value") {
    // As every stored-value operation: lock the balance, fold what merged profiles held, expire due bonus, then spend from what is left.
    const owners = await foldMergedInto(tx, workspaceId, account.profileId, await lockBalance(tx, workspaceId, account.profileId, now), input.actor, now);
    await expireBonusOf(tx, [{ workspace_id: workspaceId, profile_id: account.profileId }], now);
    const balance = await lockBalance(tx, workspaceId, account.profileId, now);
    const spendOrder = (await loadSettings(tx, workspaceId)).storedValue.spendOrder;
    const op = { workspaceId, profileId: account.profileId, owners, balance, key: pointsKey, actor: input.actor, now };
    paid = (await spendLocked(tx, op, { amountMinor: cash, orderId: `redemption:${orderId}`, spendOrder })).id;
  }
  const awaiting = cash !== null && input.payWith === "external";
  const order = await insertOrder(tx, {
    ...base,
    status: awaiting ? "awaiting_payment" : "pending",
    cash_minor: cash,
    pay_with: cash === null ? null : input.payWith,
    payment_due_at: awaiting ? new Date(now.getTime() + input.paymentTimeoutMinutes * 60_000) : null,
    coupon_id: null,
    points_entry_id: entry?.id ?? null,
    stored_value_transaction_id: paid,
    fulfilment: null,
  });
  return { order, coupon: null };
}

export async function lockOrder(tx: Db, workspaceId: string, orderId: string): Promise<OrderRow> {
  const [o] = await rows<OrderRow>(tx, sql`select * from redemption_orders where workspace_id = ${workspaceId}::uuid and id = ${orderId}::uuid for update`);
  if (!o) throw loyaltyErrors.error("loyalty.redemption_not_found", "No such redemption");
  return o;
}

/**
 * Cancels an open order inside the caller's transaction (holding the account lock of the profile that now
 * holds its points): the points go back into the buckets they came from, a stored-value payment is refunded,
 * the unit returns to stock — once: a cancelled or fulfilled order is loyalty.redemption_closed.
 */
export async function cancelOrder(tx: Db, account: Account, input: { workspaceId: string; orderId: string; reason: string; actor: string; now: Date }): Promise<OrderRow> {
  const { workspaceId, now } = input;
  const order = await lockOrder(tx, workspaceId, input.orderId);
  if (order.status !== "pending" && order.status !== "awaiting_payment") {
    throw loyaltyErrors.error("loyalty.redemption_closed", `The redemption is ${order.status}`, { status: order.status });
  }
  const key = `catalogue-cancel:${order.id}`;
  if (order.points_entry_id !== null) {
    const original = await findEntry(tx, workspaceId, order.points_entry_id);
    await restoreDebit(tx, workspaceId, account, original!, { idempotencyKey: key, reason: `Redemption cancelled: ${input.reason}`, actor: input.actor, source: "catalogue" }, now);
  }
  if (order.stored_value_transaction_id !== null) {
    // Refunded to the profile that now holds the points: the order's own, or the one it was merged into.
    const balance = await lockBalance(tx, workspaceId, account.profileId, now);
    const owners = await foldMergedInto(tx, workspaceId, account.profileId, balance, input.actor, now);
    await refundLocked(tx, { workspaceId, profileId: account.profileId, owners, balance, key, actor: input.actor, now }, { orderId: `redemption:${order.id}` });
  }
  await tx.execute(sql`update catalogue_items set stock = stock + 1, redeemed_count = redeemed_count - 1 where id = ${order.item_id}::uuid`);
  const [row] = await rows<OrderRow>(
    tx,
    sql`update redemption_orders set status = 'cancelled', cancel_reason = ${input.reason}, cancelled_at = ${now.toISOString()}::timestamptz
        where id = ${order.id}::uuid returning *`,
  );
  return row!;
}
