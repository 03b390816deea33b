import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { consumeEventBatch, consumerPosition, type LoggedEvent } from "../../events";
import { minorUnitsPer, ORDER_COMPLETED, ORDER_REFUNDED, parseOrderCompleted, parseOrderRefunded, PROFILE_PROJECTOR } from "../../profiles";
import type { Clock } from "../../shared/clock";
import { restoreCouponsOfOrder } from "../coupons/coupons.ledger";
import { addDays, localDay, localParts } from "../loyalty-time";
import { birthdayMonthOf, pointsForOrder } from "../points/earn-rules";
import { earn, expiryOf, findEntryByKey, loadSettings, lockAccount, reverseEarn, rows } from "../points/points.ledger";
import { foldMergedInto, liveRoot } from "../points/points.jobs";
import { recalculateTiers, tierMultiplierOf } from "../tiers/tiers";

export const LOYALTY_ORDERS_CONSUMER = "loyalty.orders";

/**
 * Awards points for Order Completed and takes them back on Order Refunded, exactly once: it runs in the
 * event consumer's transaction (its offset commits with the points), the earn's idempotency key is the
 * order id, and it never reads past the profile projector, so every order's event is already anchored
 * to the profile it belongs to (the live profile at that moment).
 */
export async function runLoyaltyOrdersBatch(db: Db, clock: Clock, limit = 1000): Promise<number> {
  return consumeEventBatch(db, LOYALTY_ORDERS_CONSUMER, limit, (tx, events) => handleOrderEvents(tx, events, clock), {
    upTo: (tx) => consumerPosition(tx, PROFILE_PROJECTOR),
  });
}

async function handleOrderEvents(tx: Db, events: LoggedEvent[], clock: Clock): Promise<void> {
  const relevant = events.filter((e) => e.event === ORDER_COMPLETED || e.event === ORDER_REFUNDED);
  if (relevant.length === 0) return;
  const now = clock.now();
  // Who sent each order event: the earner of a completed order, and whose growth a refund changes.
  const owners = await ownersOf(tx, relevant.map((e) => e.seq));
  // Merges the projector just made: the absorbed profiles' points join their survivor before new ones land.
  const byWorkspace = new Map<string, Set<string>>();
  for (const e of relevant) {
    const owner = owners.get(e.seq);
    if (owner) byWorkspace.set(e.workspaceId, (byWorkspace.get(e.workspaceId) ?? new Set()).add(owner.profileId));
  }
  for (const [ws, live] of byWorkspace) await foldMergedInto(tx, ws, [...live], now);
  await lockInKeyOrder(tx, relevant, owners, now);
  const contexts = new Map<string, Awaited<ReturnType<typeof workspaceContext>>>();
  const touched = new Map<string, Set<string>>();
  for (const [seq, owner] of owners) {
    const e = relevant.find((x) => x.seq === seq)!;
    touched.set(e.workspaceId, (touched.get(e.workspaceId) ?? new Set()).add(owner.profileId));
  }
  for (const e of relevant) {
    let wc = contexts.get(e.workspaceId);
    if (!wc) contexts.set(e.workspaceId, (wc = await workspaceContext(tx, e.workspaceId)));
    const properties = (typeof e.payload.properties === "object" && e.payload.properties !== null ? e.payload.properties : {}) as Record<string, unknown>;
    if (e.event === ORDER_COMPLETED) {
      const owner = owners.get(e.seq);
      const order = parseOrderCompleted(properties, wc.currency);
      if (!owner || "errors" in order) continue;
      await earnForOrder(tx, e, owner, order, wc, now);
    } else {
      const refund = parseOrderRefunded(properties, wc.currency);
      if ("errors" in refund) continue;
      await reverseForRefund(tx, e, refund.orderId, wc, now);
    }
  }
  // Upgrades happen at once: the members who ordered are judged again in this transaction.
  for (const [workspaceId, profiles] of touched) await recalculateTiers(tx, workspaceId, now, [...profiles]);
}

/**
 * Locks every account the batch will touch, in (workspace, profile) order — the order the jobs use —
 * so the consumer and a job locking several accounts can never wait on each other in a cycle.
 */
async function lockInKeyOrder(tx: Db, events: LoggedEvent[], owners: Map<number, { profileId: string }>, now: Date) {
  const keys = new Set<string>();
  for (const e of events) {
    const owner = owners.get(e.seq);
    if (owner) keys.add(`${e.workspaceId} ${owner.profileId}`);
  }
  const refunded = events.filter((e) => e.event === ORDER_REFUNDED);
  if (refunded.length > 0) {
    const pairs = refunded.map((e) => {
      const p = (e.payload.properties ?? {}) as Record<string, unknown>;
      return { workspace_id: e.workspaceId, order_id: typeof p.order_id === "number" ? String(p.order_id) : typeof p.order_id === "string" ? p.order_id.trim() : "" };
    });
    const found = await rows<{ workspace_id: string; profile_id: string }>(
      tx,
      sql`select distinct b.workspace_id, b.profile_id from points_buckets b
          join jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as x(workspace_id uuid, order_id text)
            on b.workspace_id = x.workspace_id and b.order_id = x.order_id`,
    );
    for (const f of found) keys.add(`${f.workspace_id} ${f.profile_id}`);
  }
  for (const k of [...keys].sort()) {
    const [workspaceId, profileId] = k.split(" ");
    await lockAccount(tx, workspaceId!, profileId!, now);
  }
}

async function ownersOf(tx: Db, seqs: number[]): Promise<Map<number, { profileId: string; traits: Record<string, unknown> }>> {
  if (seqs.length === 0) return new Map();
  const found = await rows<{ seq: string | number; profile_id: string; workspace_id: string; merged_into: string | null; traits: Record<string, unknown> | null }>(
    tx,
    sql`select a.seq, i.profile_id, p.workspace_id, p.merged_into, p.traits from profile_event_anchors a
        join identity_identifiers i on i.id = a.identifier_id
        join profiles p on p.id = i.profile_id
        where a.seq = any(${`{${seqs.join(",")}}`}::bigint[])`,
  );
  const owners = new Map<number, { profileId: string; traits: Record<string, unknown> }>();
  for (const r of found) {
    // Identifiers point at live profiles; should one not, its live root gets the points.
    const profileId = r.merged_into === null ? r.profile_id : ((await liveRoot(tx, r.workspace_id, r.profile_id)) ?? r.profile_id);
    owners.set(Number(r.seq), { profileId, traits: r.traits ?? {} });
  }
  return owners;
}

async function workspaceContext(tx: Db, workspaceId: string) {
  const [w] = await rows<{ timezone: string; currency: string }>(tx, sql`select timezone, currency from workspaces where id = ${workspaceId}::uuid`);
  return { workspaceId, timeZone: w?.timezone ?? "Asia/Shanghai", currency: w?.currency ?? "CNY", settings: await loadSettings(tx, workspaceId) };
}

async function earnForOrder(
  tx: Db,
  e: LoggedEvent,
  owner: { profileId: string; traits: Record<string, unknown> },
  order: { orderId: string; totalMinor: number; currency: string; storeId: string | null; products: unknown[] },
  wc: Awaited<ReturnType<typeof workspaceContext>>,
  now: Date,
) {
  const key = `order:${order.orderId}`;
  const account = await lockAccount(tx, wc.workspaceId, owner.profileId, now);
  if (await findEntryByKey(tx, wc.workspaceId, key)) return;
  const { settings } = wc;
  const local = localParts(e.ts, wc.timeZone);
  const result = pointsForOrder(
    settings,
    { totalMinor: order.totalMinor, minorPerUnit: minorUnitsPer(order.currency), storeId: order.storeId, products: order.products },
    { local, birthdayMonth: birthdayMonthOf(owner.traits.birthday), tierMultiplier: await tierMultiplierOf(tx, wc.workspaceId, settings.tiers, owner.profileId) },
  );
  let points = result.points;
  const day = localDay(e.ts, wc.timeZone);
  const cap = settings.earn.dailyCapPerMember;
  if (cap !== null) {
    const [today] = await rows<{ earned: string | number | null }>(
      tx,
      sql`select coalesce(sum(delta + pending_delta), 0) as earned from points_entries
          where workspace_id = ${wc.workspaceId}::uuid and profile_id = ${owner.profileId}::uuid and earn_day = ${day} and kind = 'earn'`,
    );
    points = Math.min(points, Math.max(0, cap - Number(today?.earned ?? 0)));
  }
  if (points <= 0) return;
  const pendingDays = settings.points.pendingDays;
  await earn(
    tx,
    wc.workspaceId,
    account,
    {
      profileId: owner.profileId,
      points,
      kind: "earn",
      source: "order",
      reason: `Order ${order.orderId}`,
      idempotencyKey: key,
      orderId: order.orderId,
      earnDay: day,
      earnedAt: e.ts,
      expiresAt: expiryOf(settings, e.ts, wc.timeZone),
      pendingUntil: pendingDays > 0 ? addDays(e.ts, pendingDays) : null,
      metadata: { multiplier: result.multiplier, applied: result.applied, capped: points < result.points, request: `earn:${points}` },
    },
    now,
  );
}

/** Takes back the share of the order's points that matches the share of the order refunded so far. */
async function reverseForRefund(tx: Db, e: LoggedEvent, orderId: string, wc: Awaited<ReturnType<typeof workspaceContext>>, now: Date) {
  const [order] = await rows<{ total_minor: string | number; refunded_minor: string | number; status: string }>(
    tx,
    sql`select total_minor, refunded_minor, status from orders where workspace_id = ${wc.workspaceId}::uuid and order_id = ${orderId}`,
  );
  if (!order) return;
  const full = order.status === "refunded";
  if (full) await restoreCouponsOfOrder(tx, wc.workspaceId, orderId, now);
  const [bucket] = await rows<{ id: string; profile_id: string; amount: string | number; reversed: string | number }>(
    tx,
    sql`select b.id, b.profile_id, b.amount, b.reversed from points_buckets b join points_entries en on en.id = b.entry_id
        where b.workspace_id = ${wc.workspaceId}::uuid and b.order_id = ${orderId} and en.kind = 'earn'`,
  );
  if (!bucket) return;
  const amount = Number(bucket.amount);
  const total = Number(order.total_minor);
  const target = full || total === 0 ? amount : Math.min(amount, Math.round((amount * Number(order.refunded_minor)) / total));
  const toReverse = target - Number(bucket.reversed);
  if (toReverse <= 0) return;
  const account = await lockAccount(tx, wc.workspaceId, bucket.profile_id, now);
  await reverseEarn(
    tx,
    wc.workspaceId,
    account,
    {
      bucketId: bucket.id,
      points: toReverse,
      allowNegative: wc.settings.points.allowNegative,
      idempotencyKey: `refund:${orderId}:${e.seq}`,
      reason: `Order ${orderId} refunded`,
      source: "order",
      orderId,
    },
    now,
  );
}
