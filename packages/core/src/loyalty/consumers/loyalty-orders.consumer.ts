import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { consumeEventBatch, consumerPosition, type LoggedEvent } from "../../events";
import { minorUnitsPer, ORDER_COMPLETED, ORDER_REFUNDED, parseOrderCompleted, parseOrderRefunded, PROFILE_PROJECTOR } from "../../profiles";
import type { Clock } from "../../shared/clock";
import { restoreCouponsOfOrder } from "../coupons/coupons.ledger";
import { addDays, localDay, localParts } from "../../shared/local-time";
import { birthdayMonthOf, pointsForOrder } from "../points/earn-rules";
import { expiryOf, lockAccount, reverseEarn, rows } from "../points/points.ledger";
import { dropAccountsLeftEmpty, earnBatch, lockAccountsInKeyOrder, readAccounts, usedKeys, type BatchEarn } from "../points/points.award";
import type { LockedAccounts } from "../points/points.rows";
import { loadSettings } from "../loyalty.settings";
import { foldMergedInto } from "../points/points.jobs";
import { ownersOf } from "./event-owners";
import { recalculateTiers } from "../tiers/tiers";

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
    // A few events in a hundred are orders: the rest are not read.
    named: [ORDER_COMPLETED, ORDER_REFUNDED],
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
  const locked = await lockInKeyOrder(tx, relevant, owners, now);
  const contexts = new Map<string, Awaited<ReturnType<typeof workspaceContext>>>();
  const touched = new Map<string, Set<string>>();
  for (const [seq, owner] of owners) {
    const e = relevant.find((x) => x.seq === seq)!;
    touched.set(e.workspaceId, (touched.get(e.workspaceId) ?? new Set()).add(owner.profileId));
  }
  // Earns are written set-based, a run of them at a time; a refund first flushes the run before it,
  // so effects land in log order.
  let run: PendingEarn[] = [];
  for (const e of relevant) {
    let wc = contexts.get(e.workspaceId);
    if (!wc) contexts.set(e.workspaceId, (wc = await workspaceContext(tx, e.workspaceId)));
    const properties = (typeof e.payload.properties === "object" && e.payload.properties !== null ? e.payload.properties : {}) as Record<string, unknown>;
    if (e.event === ORDER_COMPLETED) {
      const owner = owners.get(e.seq);
      const order = parseOrderCompleted(properties, wc.currency);
      if (!owner || "errors" in order) continue;
      run.push({ e, owner, order, wc });
    } else {
      const refund = parseOrderRefunded(properties, wc.currency);
      if ("errors" in refund) continue;
      await earnForOrders(tx, run, now);
      run = [];
      await reverseForRefund(tx, e, refund.orderId, wc, now);
    }
  }
  await earnForOrders(tx, run, now);
  await dropAccountsLeftEmpty(tx, locked);
  // Upgrades happen at once: the members who ordered are judged again in this transaction.
  for (const [workspaceId, profiles] of touched) await recalculateTiers(tx, workspaceId, now, [...profiles]);
}

/**
 * Locks every account the batch will touch, in (workspace, profile) order — the order the jobs use —
 * so the consumer and a job locking several accounts can never wait on each other in a cycle.
 */
async function lockInKeyOrder(tx: Db, events: LoggedEvent[], owners: Map<number, { profileId: string }>, now: Date): Promise<Map<string, LockedAccounts>> {
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
  return lockAccountsInKeyOrder(
    tx,
    [...keys].map((k) => {
      const [workspaceId, profileId] = k.split(" ");
      return { workspaceId: workspaceId!, profileId: profileId! };
    }),
    now,
  );
}

async function workspaceContext(tx: Db, workspaceId: string) {
  const [w] = await rows<{ timezone: string; currency: string }>(tx, sql`select timezone, currency from workspaces where id = ${workspaceId}::uuid`);
  return { workspaceId, timeZone: w?.timezone ?? "Asia/Shanghai", currency: w?.currency ?? "CNY", settings: await loadSettings(tx, workspaceId) };
}

type WorkspaceRules = Awaited<ReturnType<typeof workspaceContext>>;
interface PendingEarn {
  e: LoggedEvent;
  owner: { profileId: string; traits: Record<string, unknown> };
  order: { orderId: string; totalMinor: number; currency: string; storeId: string | null; products: unknown[] };
  wc: WorkspaceRules;
}

/**
 * Points for a run of Order Completed events, set-based: a handful of statements however many orders.
 * The same rules as one at a time — once per order id (key `order:<id>`), multipliers, the tier's
 * multiplier, the daily cap counted across the run, pending days, new points paying a debt first —
 * applied in log order in memory, then written: buckets, entries and the accounts' new balances.
 * The accounts are already locked (lockInKeyOrder).
 */
async function earnForOrders(tx: Db, run: PendingEarn[], now: Date): Promise<void> {
  const byWorkspace = new Map<string, PendingEarn[]>();
  for (const r of run) byWorkspace.set(r.wc.workspaceId, [...(byWorkspace.get(r.wc.workspaceId) ?? []), r]);
  for (const [workspaceId, earns] of byWorkspace) {
    const { settings, timeZone } = earns[0]!.wc;
    const done = await usedKeys(tx, workspaceId, earns.map((r) => `order:${r.order.orderId}`));
    const profileIds = [...new Set(earns.map((r) => r.owner.profileId))];
    const ids = `{${profileIds.join(",")}}`;
    const accounts = await readAccounts(tx, workspaceId, profileIds);
    const tierOfProfile = new Map(
      (await rows<{ profile_id: string; tier: string }>(tx, sql`select profile_id, tier from member_tiers where workspace_id = ${workspaceId}::uuid and profile_id = any(${ids}::uuid[])`)).map((r) => [r.profile_id, r.tier]),
    );
    const multiplierOf = (profileId: string) => {
      if (!settings.tiers.enabled) return 1;
      const code = tierOfProfile.get(profileId);
      return (settings.tiers.levels.find((l) => l.code === code) ?? settings.tiers.levels[0]!).pointsMultiplier;
    };
    const cap = settings.earn.dailyCapPerMember;
    const earnedOn = new Map<string, number>();
    if (cap !== null) {
      const days = [...new Set(earns.map((r) => localDay(r.e.ts, timeZone)))];
      for (const r of await rows<{ profile_id: string; earn_day: string; earned: string | number }>(
        tx,
        sql`select profile_id, earn_day, coalesce(sum(delta + pending_delta), 0) as earned from points_entries
            where workspace_id = ${workspaceId}::uuid and profile_id = any(${ids}::uuid[]) and earn_day is not null
              and earn_day in (select jsonb_array_elements_text(${JSON.stringify(days)}::jsonb)) and kind = 'earn'
            group by profile_id, earn_day`,
      )) earnedOn.set(`${r.profile_id} ${r.earn_day}`, Number(r.earned));
    }
    const writes: BatchEarn[] = [];
    for (const { e, owner, order } of earns) {
      const key = `order:${order.orderId}`;
      if (done.has(key)) continue;
      done.add(key);
      const result = pointsForOrder(
        settings,
        { totalMinor: order.totalMinor, minorPerUnit: minorUnitsPer(order.currency), storeId: order.storeId, products: order.products },
        { local: localParts(e.ts, timeZone), birthdayMonth: birthdayMonthOf(owner.traits.birthday), tierMultiplier: multiplierOf(owner.profileId) },
      );
      let points = result.points;
      const day = localDay(e.ts, timeZone);
      if (cap !== null) {
        const earned = earnedOn.get(`${owner.profileId} ${day}`) ?? 0;
        points = Math.min(points, Math.max(0, cap - earned));
        earnedOn.set(`${owner.profileId} ${day}`, earned + points);
      }
      if (points <= 0) continue;
      const pendingDays = settings.points.pendingDays;
      writes.push({
        profileId: owner.profileId,
        points,
        source: "order",
        reason: `Order ${order.orderId}`,
        idempotencyKey: key,
        orderId: order.orderId,
        earnDay: day,
        earnedAt: e.ts,
        expiresAt: expiryOf(settings, e.ts, timeZone),
        pendingUntil: pendingDays > 0 ? addDays(e.ts, pendingDays) : null,
        metadata: { multiplier: result.multiplier, applied: result.applied, capped: points < result.points, request: `earn:${points}` },
      });
    }
    await earnBatch(tx, workspaceId, accounts, writes, now);
  }
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
