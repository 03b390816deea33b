import { randomBytes } from "node:crypto";
import { sql, type SQL } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { CouponDto, CouponTemplateDto, CouponValidity, ProductScope } from "@siyu/contracts";
import { newId } from "../../shared/ids";
import { isoTime } from "../../shared/iso-time";
import { loyaltyErrors } from "../loyalty.errors";
import { addDays, localDay } from "../../shared/local-time";
import { debit, rows, type Account, type EntryRow } from "../points/points.ledger";
import type { CouponTerms } from "./coupon-rules";

// Crockford base32 without I, L, O, U: easy to read out at a till.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/** 16 characters from 80 random bits: unguessable, unique per workspace by index. */
export function newCouponCode(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** Codes are read case-insensitively, with the dashes and spaces people type. */
export function normaliseCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/g, "");
}

export interface TemplateRow {
  id: string;
  workspace_id: string;
  name: string;
  kind: CouponTemplateDto["kind"];
  amount_minor: string | number | null;
  percent_off: number | null;
  cap_minor: string | number | null;
  threshold_minor: string | number | null;
  item_sku: string | null;
  validity: CouponValidity;
  total_stock: number | null;
  issued_count: number;
  per_member_limit: number | null;
  per_member_daily_limit: number | null;
  store_ids: string[] | null;
  points_cost: number | null;
  product_scope: ProductScope | null;
  stackable: boolean;
  status: CouponTemplateDto["status"];
  claimable: boolean;
  created_at: string | Date;
  updated_at: string | Date;
}

const num = (v: string | number | null) => (v === null ? null : Number(v));

export function toTemplateDto(t: TemplateRow): CouponTemplateDto {
  return {
    id: t.id,
    name: t.name,
    kind: t.kind,
    amountMinor: num(t.amount_minor),
    percentOff: t.percent_off,
    capMinor: num(t.cap_minor),
    thresholdMinor: num(t.threshold_minor),
    itemSku: t.item_sku,
    validity: t.validity,
    totalStock: t.total_stock,
    issuedCount: Number(t.issued_count),
    perMemberLimit: t.per_member_limit,
    perMemberDailyLimit: t.per_member_daily_limit,
    storeIds: t.store_ids,
    pointsCost: t.points_cost,
    productScope: t.product_scope,
    stackable: t.stackable,
    status: t.status,
    claimable: t.claimable,
    createdAt: isoTime(t.created_at),
    updatedAt: isoTime(t.updated_at),
  };
}

export interface CouponRow {
  id: string;
  template_id: string;
  profile_id: string;
  code: string;
  status: CouponDto["status"];
  issue_key: string | null;
  issued_at: string | Date;
  valid_from: string | Date;
  valid_until: string | Date;
  redeemed_at: string | Date | null;
  order_id: string | null;
  store_id: string | null;
  discount_minor: string | number | null;
}

const COUPON_FIELDS = "id, template_id, profile_id, code, status, issue_key, issued_at, valid_from, valid_until, redeemed_at, order_id, store_id, discount_minor";
export const COUPON_COLUMNS = sql.raw(COUPON_FIELDS);
/** The coupon columns of a query that names the coupons table `c`. */
export const C_COUPON_COLUMNS = sql.raw(COUPON_FIELDS.split(", ").map((f) => `c.${f}`).join(", "));

export function toCouponDto(c: CouponRow, now?: Date): CouponDto {
  const expired = c.status === "available" && now !== undefined && new Date(c.valid_until) <= now;
  return {
    id: c.id,
    templateId: c.template_id,
    profileId: c.profile_id,
    code: c.code,
    status: expired ? "expired" : c.status,
    issuedAt: isoTime(c.issued_at),
    validFrom: isoTime(c.valid_from),
    validUntil: isoTime(c.valid_until),
    redeemedAt: c.redeemed_at === null ? null : isoTime(c.redeemed_at),
    orderId: c.order_id,
    storeId: c.store_id,
    discountMinor: num(c.discount_minor),
  };
}

export async function lockTemplate(tx: Db, workspaceId: string, templateId: string): Promise<TemplateRow> {
  const [t] = await rows<TemplateRow>(tx, sql`select * from coupon_templates where workspace_id = ${workspaceId}::uuid and id = ${templateId}::uuid for update`);
  if (!t) throw loyaltyErrors.error("loyalty.template_not_found", "No such coupon template");
  return t;
}

/**
 * Issues one coupon of a template to a profile. The template row is locked for the whole check-and-insert,
 * so stock and limits are counted by one claimer at a time: N concurrent claims of stock S issue exactly
 * min(N, S). With an issue key, a retry returns the coupon the first attempt issued.
 */
export async function issueCoupon(
  tx: Db,
  input: { workspaceId: string; templateId: string; profileId: string; issueKey: string | null; now: Date; timeZone: string; requireClaimable?: boolean },
): Promise<{ coupon: CouponRow; replayed: boolean }> {
  const { workspaceId, now } = input;
  const template = await lockTemplate(tx, workspaceId, input.templateId);
  if (input.requireClaimable && !template.claimable) throw loyaltyErrors.error("loyalty.not_claimable", "Members cannot claim this coupon themselves");
  if (input.issueKey !== null) {
    const [existing] = await rows<CouponRow>(tx, sql`select ${COUPON_COLUMNS} from coupons where workspace_id = ${workspaceId}::uuid and issue_key = ${input.issueKey}`);
    if (existing) {
      if (existing.template_id !== template.id || existing.profile_id !== input.profileId) {
        throw loyaltyErrors.error("loyalty.idempotency_conflict", `Issue key "${input.issueKey}" was used for another template or customer`);
      }
      return { coupon: existing, replayed: true };
    }
  }
  if (template.status !== "active") throw loyaltyErrors.error("loyalty.template_inactive", `The template is ${template.status}`);
  const validity = template.validity;
  const validFrom = validity.kind === "fixed" ? new Date(validity.from) : now;
  const validUntil = validity.kind === "fixed" ? new Date(validity.until) : addDays(now, validity.days);
  if (validUntil <= now) throw loyaltyErrors.error("loyalty.coupon_expired", "The template's validity has ended");
  if (template.total_stock !== null && template.issued_count >= template.total_stock) {
    throw loyaltyErrors.error("loyalty.out_of_stock", "Every coupon of this template has been issued", { totalStock: template.total_stock });
  }
  const day = localDay(now, input.timeZone);
  if (template.per_member_limit !== null || template.per_member_daily_limit !== null) {
    const held = (await heldCoupons(tx, workspaceId, template.id, [input.profileId], day)).get(input.profileId) ?? { total: 0, today: 0 };
    if (template.per_member_limit !== null && held.total >= template.per_member_limit) {
      throw loyaltyErrors.error("loyalty.limit_reached", `The member already holds ${held.total} of this coupon (limit ${template.per_member_limit})`, { limit: "perMember" });
    }
    if (template.per_member_daily_limit !== null && held.today >= template.per_member_daily_limit) {
      throw loyaltyErrors.error("loyalty.limit_reached", `The member received ${held.today} today (daily limit ${template.per_member_daily_limit})`, { limit: "perMemberDaily" });
    }
  }
  const [coupon] = await rows<CouponRow>(
    tx,
    sql`insert into coupons (id, workspace_id, template_id, profile_id, code, status, issue_key, issue_day, issued_at, valid_from, valid_until)
        values (${newId()}::uuid, ${workspaceId}::uuid, ${template.id}::uuid, ${input.profileId}::uuid, ${newCouponCode()}, 'available', ${input.issueKey},
          ${day}, ${now.toISOString()}::timestamptz, ${validFrom.toISOString()}::timestamptz, ${validUntil.toISOString()}::timestamptz)
        returning ${COUPON_COLUMNS}`,
  );
  await tx.execute(sql`update coupon_templates set issued_count = issued_count + 1 where id = ${template.id}::uuid`);
  return { coupon: coupon!, replayed: false };
}

export function termsOf(t: TemplateRow): CouponTerms {
  return {
    kind: t.kind,
    amountMinor: num(t.amount_minor),
    percentOff: t.percent_off,
    capMinor: num(t.cap_minor),
    thresholdMinor: num(t.threshold_minor),
    itemSku: t.item_sku,
    productScope: t.product_scope,
  };
}

/** An order refunded in full gives its coupons back (expired ones stay expired), taking them off the order. Idempotent. */
export async function restoreCouponsOfOrder(tx: Db, workspaceId: string, orderId: string, now: Date): Promise<CouponRow[]> {
  const at = now.toISOString();
  return rows<CouponRow>(
    tx,
    sql`with off as (delete from coupon_redemptions where order_id = ${orderId} and workspace_id = ${workspaceId}::uuid returning coupon_id)
        update coupons set status = case when valid_until > ${at}::timestamptz then 'available' else 'expired' end,
          lapsed = lapsed or valid_until <= ${at}::timestamptz, redeemed_at = null, order_id = null, store_id = null, discount_minor = null
        where id in (select coupon_id from off) and workspace_id = ${workspaceId}::uuid and status = 'redeemed'
        returning ${COUPON_COLUMNS}`,
  );
}

/**
 * Expires up to `limit` available coupons past their validity and marks them (and redeemed ones past it)
 * lapsed; idempotent. Returns how many it looked at (none left when 0) and how many of them it expired.
 */
export async function expireDueCoupons(db: Db, now: Date, limit = 10_000): Promise<{ seen: number; expired: number }> {
  const seen = await rows<{ status: string }>(db, expireDueCouponsStatement(now, limit));
  return { seen: seen.length, expired: seen.filter((c) => c.status === "expired").length };
}

/**
 * expireDueCoupons' statement: up to `limit` coupons past their validity that the job has not yet seen,
 * read by date from the index of those (across workspaces), each then updated by its key (`= any(array(…))`:
 * as `in (…)` the planner hashed the ids and scanned the whole table for them). An available one expires;
 * a redeemed one only leaves the index (a refund gives it back as expired). Returns each coupon's status
 * afterwards; none is returned twice.
 */
export function expireDueCouponsStatement(now: Date, limit: number): SQL {
  return sql`update coupons set lapsed = true, status = case when status = 'available' then 'expired' else status end
    where id = any(array(select id from coupons where lapsed = false and valid_until <= ${now.toISOString()}::timestamptz limit ${limit}))
      and lapsed = false
    returning status`;
}

/** How many coupons of a template each of these members holds, in all and issued on `day` (members with none are absent). */
export async function heldCoupons(tx: Db, workspaceId: string, templateId: string, profileIds: readonly string[], day: string): Promise<Map<string, { total: number; today: number }>> {
  const held = await rows<{ profile_id: string; total: number; today: number }>(tx, heldCouponsStatement(workspaceId, templateId, profileIds, day));
  return new Map(held.map((h) => [h.profile_id, { total: Number(h.total), today: Number(h.today) }]));
}

export function heldCouponsStatement(workspaceId: string, templateId: string, profileIds: readonly string[], day: string): SQL {
  return sql`select profile_id, count(*)::int as total, count(*) filter (where issue_day = ${day})::int as today from coupons
      where workspace_id = ${workspaceId}::uuid and profile_id = any(${`{${profileIds.join(",")}}`}::uuid[]) and template_id = ${templateId}::uuid
      group by profile_id`;
}

/**
 * Points for a coupon inside the caller's transaction, which holds the member's account lock: the coupon is
 * issued (template locked: stock and limits hold), then the cost is taken oldest first. No stock → no points
 * taken; too few points → the caller's transaction rolls the coupon back. `pointsCost` null = the template's
 * own (a template without one is loyalty.not_exchangeable); the catalogue passes its item's price.
 */
export async function exchangeForCoupon(
  tx: Db,
  account: Account,
  input: {
    workspaceId: string;
    templateId: string;
    pointsCost: number | null;
    issueKey: string;
    idempotencyKey: string;
    actor: string;
    metadata: Record<string, unknown>;
    now: Date;
    timeZone: string;
  },
): Promise<{ coupon: CouponRow; entry: EntryRow }> {
  const { coupon } = await issueCoupon(tx, { workspaceId: input.workspaceId, templateId: input.templateId, profileId: account.profileId, issueKey: input.issueKey, now: input.now, timeZone: input.timeZone });
  const [template] = await rows<TemplateRow>(tx, sql`select * from coupon_templates where id = ${input.templateId}::uuid`);
  const points = input.pointsCost ?? template!.points_cost;
  if (points === null) throw loyaltyErrors.error("loyalty.not_exchangeable", "This coupon cannot be exchanged for points");
  const entry = await debit(
    tx,
    input.workspaceId,
    account,
    {
      profileId: account.profileId,
      points,
      kind: "redeem",
      source: "coupon",
      reason: `Coupon ${template!.name}`,
      idempotencyKey: input.idempotencyKey,
      actor: input.actor,
      mayGoNegative: false,
      metadata: { ...input.metadata, couponId: coupon.id },
    },
    input.now,
  );
  return { coupon, entry };
}
