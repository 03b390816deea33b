import { sql, type SQL } from "@siyu/storage/orm";
import { writeBehind, type Db } from "@siyu/storage";
import type { OrderLine } from "@siyu/contracts";
import type { Clock } from "../../shared/clock";
import { DomainError } from "../../shared/domain-error";
import type { CallOutcome, GroupWork } from "../../shared/group-commit";
import { loyaltyErrors } from "../loyalty.errors";
import { rows } from "../points/points.ledger";
import { applicationOrder, discountsOf } from "./coupon-rules";
import { C_COUPON_COLUMNS, normaliseCode, termsOf, type CouponRow, type TemplateRow } from "./coupons.ledger";

/**
 * Coupon redemption against an order, one request or a group-committed batch of them: the same three
 * steps either way. `lockRedemptions` locks the orders (a transaction-scoped advisory lock per workspace
 * and order id, in hash order) and then the requested coupons in code order (one statement), and reads the coupons
 * already on those orders; `judgeRedemption` applies the rules in memory, request after request, each
 * seeing what the ones before it redeemed; `writeRedemptions` marks every redeemed coupon in one UPDATE.
 */

export interface RedeemCouponsInput {
  workspaceId: string;
  codes: string[];
  orderId: string;
  orderTotalMinor: number | null;
  storeId: string | null;
  lines: OrderLine[] | null;
}

export interface RedeemedCoupons {
  coupons: CouponRow[];
  discountMinor: number;
  replayed: boolean;
}

/** What the redemptions of one workspace see, under their locks; changed in memory as requests are judged. */
export interface LockedCoupons {
  byCode: Map<string, CouponRow>;
  templates: Map<string, TemplateRow>;
  /** The coupons redeemed on each order, by order id. */
  onOrder: Map<string, CouponRow[]>;
  stackable: Map<string, boolean>;
}

const textArray = (values: readonly string[]) => sql`array(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;
const orderLockKey = (workspaceId: string, orderId: string) => `coupon-order:${workspaceId}:${orderId}`;
const time = (v: string | Date | null) => (v === null ? 0 : new Date(v).getTime());
const byRedemption = (a: CouponRow, b: CouponRow) => time(a.redeemed_at) - time(b.redeemed_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The coupons redeemed on these orders, with their template's stacking: the orders' rows in
 * coupon_redemptions (by its order index), each joined to its coupon by key.
 */
export function couponsOnOrdersStatement(workspaceId: string, orderIds: readonly string[]): SQL {
  return sql`select ${C_COUPON_COLUMNS}, t.stackable
      from coupon_redemptions r
      join coupons c on c.id = r.coupon_id
      join coupon_templates t on t.id = c.template_id
      where r.order_id = any(${textArray(orderIds)}) and r.workspace_id = ${workspaceId}::uuid and c.status = 'redeemed'`;
}

export async function lockRedemptions(tx: Db, workspaceId: string, requests: readonly Pick<RedeemCouponsInput, "codes" | "orderId">[]): Promise<LockedCoupons> {
  const orderIds = [...new Set(requests.map((r) => r.orderId))];
  const lockIds = JSON.stringify(orderIds.map((o) => orderLockKey(workspaceId, o)));
  const codes = [...new Set(requests.flatMap((r) => r.codes.map(normaliseCode)))].sort();
  // One statement takes the orders' locks — one per order, in the order of the lock ids, so two batches
  // never wait on each other in a cycle; a one-time filter, before any coupon is read — and then locks
  // the coupons in code order (each row as it is now, whatever the statement's snapshot). Each template
  // comes once, on the first of its coupons (a batch holds few templates and many coupons). The coupons
  // already on the orders are read by the next statement, whose snapshot follows the locks.
  const found = await rows<CouponRow & { template: TemplateRow | null }>(
    tx,
    sql`with locks as materialized (
          select pg_advisory_xact_lock(h) from (
            select distinct hashtextextended(k, 0) as h from jsonb_array_elements_text(${lockIds}::jsonb) as k order by h offset 0) ordered),
        c as materialized (
          select * from coupons where workspace_id = ${workspaceId}::uuid and code = any(${textArray(codes)}) and (select count(*) from locks) >= 0
          order by code for update)
        select ${C_COUPON_COLUMNS}, case when c.template_id is distinct from lag(c.template_id) over (order by c.template_id) then to_jsonb(t) end as template
        from c join coupon_templates t on t.id = c.template_id`,
  );
  const onOrder = await rows<CouponRow & { stackable: boolean }>(tx, couponsOnOrdersStatement(workspaceId, orderIds));
  const locked: LockedCoupons = { byCode: new Map(), templates: new Map(), onOrder: new Map(), stackable: new Map() };
  for (const { template, ...coupon } of found) {
    locked.byCode.set(coupon.code, coupon);
    if (template) locked.templates.set(template.id, template);
  }
  for (const coupon of locked.byCode.values()) locked.stackable.set(coupon.id, locked.templates.get(coupon.template_id)!.stackable);
  for (const { stackable, ...coupon } of onOrder) {
    // A coupon both requested and on an order is one row: the locked one.
    const row = locked.byCode.get(coupon.code) ?? coupon;
    locked.onOrder.set(coupon.order_id!, [...(locked.onOrder.get(coupon.order_id!) ?? []), row]);
    locked.stackable.set(coupon.id, stackable);
  }
  return locked;
}

/**
 * Judges one request against the locked coupons, as redeemCoupons describes; on success records its
 * coupons as redeemed in `locked`, so the next request sees them. Throws the request's DomainError
 * (and changes nothing) when it is refused.
 */
export function judgeRedemption(locked: LockedCoupons, input: RedeemCouponsInput, now: Date): RedeemedCoupons & { redeemed: CouponRow[] } {
  const { orderId } = input;
  const requested = [...new Set(input.codes.map(normaliseCode))];
  const missing = [...requested].sort().find((c) => !locked.byCode.has(c));
  if (missing !== undefined) throw loyaltyErrors.error("loyalty.coupon_not_found", `No coupon with code ${missing}`, { code: missing });
  const fresh: CouponRow[] = [];
  // Locked in code order (no deadlocks between requests); judged in the order the request lists them.
  for (const coupon of requested.map((c) => locked.byCode.get(c)!)) {
    if (coupon.status === "redeemed") {
      if (coupon.order_id === orderId) continue;
      throw loyaltyErrors.error("loyalty.coupon_already_redeemed", `Coupon ${coupon.code} was redeemed against another order`, { code: coupon.code });
    }
    if (coupon.status === "expired" || new Date(coupon.valid_until) <= now) {
      throw loyaltyErrors.error("loyalty.coupon_expired", `Coupon ${coupon.code} expired at ${new Date(coupon.valid_until).toISOString()}`, { code: coupon.code });
    }
    if (new Date(coupon.valid_from) > now) {
      throw loyaltyErrors.error("loyalty.coupon_not_yet_valid", `Coupon ${coupon.code} is valid from ${new Date(coupon.valid_from).toISOString()}`, { code: coupon.code });
    }
    fresh.push(coupon);
  }
  const onOrder = [...(locked.onOrder.get(orderId) ?? [])].sort(byRedemption);
  const asked = new Set(requested);
  const mine = onOrder.filter((c) => asked.has(c.code));
  if (fresh.length === 0) return { coupons: mine, discountMinor: mine.reduce((s, c) => s + Number(c.discount_minor ?? 0), 0), replayed: true, redeemed: [] };
  const applied = applicationOrder(fresh.map((c) => ({ coupon: c, template: locked.templates.get(c.template_id)!, code: c.code, terms: termsOf(locked.templates.get(c.template_id)!) })));
  const exclusive = [...onOrder.filter((c) => !locked.stackable.get(c.id)).map((c) => c.code), ...applied.filter((a) => !a.template.stackable).map((a) => a.code)];
  if (exclusive.length > 1) {
    throw loyaltyErrors.error("loyalty.not_stackable", `An order takes one non-stackable coupon; ${exclusive.join(", ")} are all non-stackable`, { codes: exclusive });
  }
  for (const a of applied) {
    const storeIds = a.template.store_ids;
    if (storeIds !== null && (input.storeId === null || !storeIds.includes(input.storeId))) {
      throw loyaltyErrors.error("loyalty.wrong_store", `Coupon ${a.code} cannot be used in this store`, { code: a.code, storeIds });
    }
  }
  const totalMinor = input.orderTotalMinor ?? (input.lines ?? []).reduce((s, l) => s + l.priceMinor * l.quantity, 0);
  const earlier = onOrder.reduce((s, c) => s + Number(c.discount_minor ?? 0), 0);
  const discounts = discountsOf({ totalMinor, lines: input.lines, roomMinor: Math.max(0, totalMinor - earlier) }, applied);
  const redeemed = applied.map((a, i): CouponRow => ({ ...a.coupon, status: "redeemed", redeemed_at: now, order_id: orderId, store_id: input.storeId, discount_minor: discounts[i]! }));
  for (const c of redeemed) {
    locked.byCode.set(c.code, c);
    locked.onOrder.set(orderId, [...(locked.onOrder.get(orderId) ?? []), c]);
  }
  const coupons = [...mine, ...redeemed];
  return { coupons, discountMinor: coupons.reduce((s, c) => s + Number(c.discount_minor ?? 0), 0), replayed: false, redeemed };
}

/**
 * Marks the judged coupons redeemed and puts them on their orders (coupon_redemptions), in one statement;
 * they must still be available (their locks say so), which the statement checks itself (expect_rows,
 * migration 0039), so that nothing needs its answer: a group-committed batch sends it behind, with COMMIT
 * (storage's writeBehind). No index of coupons names a column this changes, so each coupon's new version
 * is a HOT update beside the old one.
 */
export async function writeRedemptions(tx: Db, redeemed: readonly CouponRow[], now: Date): Promise<void> {
  if (redeemed.length === 0) return;
  const changes = redeemed.map((c) => ({ id: c.id, order_id: c.order_id, store_id: c.store_id, discount: c.discount_minor }));
  // The ids again as an array: without planner statistics (PGlite never gathers them) the join alone
  // scanned every available coupon of every workspace (40 ms at 30,000; 0.2 ms with the array). The
  // rows in a materialized CTE: joined to jsonb_to_recordset itself, the JSON was parsed once per coupon.
  await tx.execute(
    sql`with x as materialized (select * from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as x(id uuid, order_id text, store_id text, discount bigint)),
        u as (
          update coupons c set status = 'redeemed', redeemed_at = ${now.toISOString()}::timestamptz, order_id = x.order_id, store_id = x.store_id, discount_minor = x.discount
          from x where c.id = x.id and c.id = any(${`{${changes.map((c) => c.id).join(",")}}`}::uuid[]) and c.status = 'available'
          returning c.id, c.workspace_id, c.order_id),
        r as (insert into coupon_redemptions (coupon_id, workspace_id, order_id) select id, workspace_id, order_id from u)
        select expect_rows((select count(*) from u), ${changes.length}, 'writeRedemptions: coupons still available')`,
  );
}

/**
 * Redeems one or more coupons against an order, judged together and all or none, inside the caller's
 * transaction. The order is locked, then the coupons by code, so two requests for one order are judged
 * one after the other. Codes already redeemed against this order are a replay; against another order,
 * loyalty.coupon_already_redeemed. Stacking: the order — its earlier coupons included — holds at most
 * one non-stackable coupon (loyalty.not_stackable). Discounts: see discountsOf; a later request applies
 * its coupons to what the earlier ones left of the order total.
 */
export async function redeemCoupons(tx: Db, input: RedeemCouponsInput & { now: Date }): Promise<RedeemedCoupons> {
  const locked = await lockRedemptions(tx, input.workspaceId, [input]);
  const { redeemed, ...result } = judgeRedemption(locked, input, input.now);
  await writeRedemptions(tx, redeemed, input.now);
  return result;
}

/** `coupons.redeem` group-committed: a batch is one transaction per workspace's locks, judged request by request, written in one UPDATE. */
export function redemptionGroupWork(clock: Clock): GroupWork<RedeemCouponsInput, RedeemedCoupons> {
  return {
    // One order's calls share a lane; lanes take the orders' locks and the coupons' in key order.
    laneKey: (call) => `${call.workspaceId} ${call.orderId}`,
    async batch(tx, calls) {
      const now = clock.now();
      const outcomes: CallOutcome<RedeemedCoupons>[] = new Array(calls.length);
      for (const workspaceId of [...new Set(calls.map((c) => c.workspaceId))].sort()) {
        const indexes = calls.flatMap((c, i) => (c.workspaceId === workspaceId ? [i] : []));
        const locked = await lockRedemptions(tx, workspaceId, indexes.map((i) => calls[i]!));
        const redeemed: CouponRow[] = [];
        for (const i of indexes) {
          try {
            const { redeemed: mine, ...result } = judgeRedemption(locked, calls[i]!, now);
            redeemed.push(...mine);
            outcomes[i] = { ok: true, value: result };
          } catch (error) {
            if (!(error instanceof DomainError)) throw error;
            outcomes[i] = { ok: false, error };
          }
        }
        // Nothing reads the write's answer: on the server it goes out with the next statement or COMMIT.
        await writeBehind(() => writeRedemptions(tx, redeemed, now));
      }
      return outcomes;
    },
    one: (tx, call) => redeemCoupons(tx, { ...call, now: clock.now() }),
  };
}
