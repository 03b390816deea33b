import { and, eq, gt, isNull, lt, or, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { couponTemplates, coupons, pointsEntries } from "../../loyalty";

// Read-only sums over the loyalty ledgers for the liability KPIs; the loyalty module stays
// their only writer. As of an instant, so the previous period's value is exact too.

/** Points outstanding (available + pending) at `at`: the sum of the ledger's entries before it. */
export async function pointsOutstanding(db: Db, workspaceId: string, at: Date): Promise<number> {
  const [row] = await db
    .select({ total: sql<string | null>`sum(${pointsEntries.delta} + ${pointsEntries.pendingDelta})` })
    .from(pointsEntries)
    .where(and(eq(pointsEntries.workspaceId, workspaceId), lt(pointsEntries.createdAt, at)));
  return Number(row?.total ?? 0);
}

export interface CouponsOutstanding {
  count: number;
  /** Face value of the fixed-amount ones, minor units; percent-off and item coupons have none. */
  faceValueMinor: number;
  unvalued: number;
}

/** Coupons issued before `at`, still valid at `at` and not redeemed by then. */
export async function couponsOutstanding(db: Db, workspaceId: string, at: Date): Promise<CouponsOutstanding> {
  const [row] = await db
    .select({
      count: sql<string>`count(*)`,
      value: sql<string | null>`sum(case when ${couponTemplates.kind} = 'fixed' then ${couponTemplates.amountMinor} else 0 end)`,
      unvalued: sql<string>`count(*) filter (where ${couponTemplates.kind} <> 'fixed' or ${couponTemplates.amountMinor} is null)`,
    })
    .from(coupons)
    .innerJoin(couponTemplates, eq(couponTemplates.id, coupons.templateId))
    .where(
      and(
        eq(coupons.workspaceId, workspaceId),
        lt(coupons.issuedAt, at),
        gt(coupons.validUntil, at),
        or(isNull(coupons.redeemedAt), sql`${coupons.redeemedAt} >= ${at.toISOString()}::timestamptz`),
        sql`${coupons.status} in ('available', 'redeemed', 'expired')`,
      ),
    );
  return { count: Number(row?.count ?? 0), faceValueMinor: Number(row?.value ?? 0), unvalued: Number(row?.unvalued ?? 0) };
}
