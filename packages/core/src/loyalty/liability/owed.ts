import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { rows } from "../../shared";

// What the brand owed its members at an instant, read from the ledgers: the liability report and the
// KPI dashboard's points outstanding and coupon liability both read it here. "At `at`" means with
// every write up to and including `at` applied. The ledgers' times are whole milliseconds (they come
// from the clock), so the state a period left is the state at its last millisecond.

type Num = string | number | null;

/** The coupon kinds whose face value is a fixed amount (the discount; for shipping, the most it covers), as an SQL list. */
export const FIXED_FACE = sql.raw("('fixed', 'threshold', 'shipping')");

export interface PointsOwed {
  /** Available points; a member below zero (an allowed overdraft) lowers no one else's. */
  available: number;
  pending: number;
}

export async function pointsOwedAt(db: Db, workspaceId: string, at: Date): Promise<PointsOwed> {
  const [points] = await rows<{ available: Num; pending: Num }>(
    db,
    sql`select coalesce(sum(greatest(a, 0)), 0) as available, coalesce(sum(p), 0) as pending from (
          select sum(delta) as a, sum(pending_delta) as p from points_entries
          where workspace_id = ${workspaceId}::uuid and created_at <= ${at.toISOString()}::timestamptz group by profile_id) x`,
  );
  return { available: Number(points!.available), pending: Number(points!.pending) };
}

export interface CouponsOwed {
  /** Coupons issued by `at`, still valid after it and not redeemed by then. */
  count: number;
  /** Their face value where it is fixed (FIXED_FACE), minor units. */
  faceValueMinor: number;
  /** Those whose kind has no fixed face value (percent off, a free item). */
  withoutFaceValue: number;
}

export async function couponsOwedAt(db: Db, workspaceId: string, at: Date): Promise<CouponsOwed> {
  const instant = at.toISOString();
  const [coupons] = await rows<{ n: Num; face: Num; unvalued: Num }>(
    db,
    sql`select count(*) as n, coalesce(sum(t.amount_minor) filter (where t.kind in ${FIXED_FACE}), 0) as face,
          count(*) filter (where t.kind not in ${FIXED_FACE}) as unvalued
        from coupons c join coupon_templates t on t.id = c.template_id
        where c.workspace_id = ${workspaceId}::uuid and c.issued_at <= ${instant}::timestamptz and c.valid_until > ${instant}::timestamptz
          and (c.redeemed_at is null or c.redeemed_at > ${instant}::timestamptz)`,
  );
  return { count: Number(coupons!.n), faceValueMinor: Number(coupons!.face), withoutFaceValue: Number(coupons!.unvalued) };
}
