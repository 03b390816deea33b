import type { Warehouse } from "@siyu/storage";
import { ORDER_COMPLETED, ORDER_REFUNDED } from "../profiles";
import { localDateSql } from "../warehouse";

type WarehouseCell = string | number | Date | null;

// The warehouse side of CLV: orders in, predictions out. Every statement is scoped to one workspace.

export interface DailyOrderValue {
  profileId: string;
  /** The local calendar day, YYYY-MM-DD. */
  day: string;
  /** Sum of that day's order values (major units, as sent). */
  amount: number;
}

/**
 * Each live profile's order value per local day, up to `until`: Order Completed events joined to
 * the profile that owns them now (events without a profile yet are left out). An order sent twice
 * (the same order_id) counts once; with `excludeRefunded`, orders with an Order Refunded of the
 * same order_id are left out entirely (a partial refund removes the whole order).
 */
export async function readDailyOrderValues(
  warehouse: Warehouse,
  input: { workspaceId: string; timeZone: string; until: Date; excludeRefunded: boolean },
): Promise<DailyOrderValue[]> {
  const rows = await warehouse.query<{ profile_id: string; day: string; amount: number | null }>(
    `with orders as (
       select profile_id, order_id, ts, revenue
       from events_with_profile
       where workspace_id = $1::uuid and event = $2 and profile_id is not null and ts <= $4::timestamptz
       qualify row_number() over (partition by coalesce(order_id, message_id) order by seq) = 1
     ),
     refunded as (
       select distinct order_id from events
       where workspace_id = $1::uuid and event = $3 and order_id is not null and ts <= $4::timestamptz
     )
     select profile_id::varchar as profile_id, strftime(${localDateSql(input.timeZone, "ts")}, '%Y-%m-%d') as day, sum(coalesce(revenue, 0)) as amount
     from orders
     where not $5::boolean or order_id is null or order_id not in (select order_id from refunded)
     group by all`,
    [input.workspaceId, ORDER_COMPLETED, ORDER_REFUNDED, input.until.toISOString(), input.excludeRefunded],
  );
  return rows.map((r) => ({ profileId: r.profile_id, day: r.day, amount: Number(r.amount ?? 0) }));
}

export interface ProfileClvRow {
  profileId: string;
  pAlive: number;
  expectedPurchases: [number, number, number];
  expectedOrderValue: number | null;
  expectedValue: [number, number, number] | null;
  nextPurchaseFrom: Date | null;
  nextPurchaseTo: Date | null;
}

/** Replaces the workspace's profile_clv rows in one DuckDB transaction (readers see the old set or the new). */
export async function replaceProfileClv(warehouse: Warehouse, workspaceId: string, rows: readonly ProfileClvRow[], computedAt: Date): Promise<void> {
  await warehouse.transaction(async (tx) => {
    await tx.run("delete from profile_clv where workspace_id = $1::uuid", [workspaceId]);
    const cells: WarehouseCell[][] = rows.map((r) => [
      workspaceId,
      r.profileId,
      r.pAlive,
      ...r.expectedPurchases,
      r.expectedOrderValue,
      ...(r.expectedValue ?? [null, null, null]),
      r.nextPurchaseFrom,
      r.nextPurchaseTo,
      computedAt,
    ]);
    for (let i = 0; i < cells.length; i += 50_000) await tx.append("profile_clv", cells.slice(i, i + 50_000));
  });
}

export async function readProfileClv(warehouse: Warehouse, workspaceId: string, profileId: string): Promise<(ProfileClvRow & { computedAt: Date }) | null> {
  const [row] = await warehouse.query<Record<string, unknown>>(
    "select * from profile_clv where workspace_id = $1::uuid and profile_id = $2::uuid limit 1",
    [workspaceId, profileId],
  );
  if (!row) return null;
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const date = (v: unknown) => (v === null || v === undefined ? null : new Date(String(v)));
  const value = [num(row.expected_value_90d), num(row.expected_value_180d), num(row.expected_value_365d)];
  return {
    profileId,
    pAlive: Number(row.p_alive),
    expectedPurchases: [Number(row.expected_purchases_90d), Number(row.expected_purchases_180d), Number(row.expected_purchases_365d)],
    expectedOrderValue: num(row.expected_order_value),
    expectedValue: value.every((v) => v !== null) ? (value as [number, number, number]) : null,
    nextPurchaseFrom: date(row.next_purchase_from),
    nextPurchaseTo: date(row.next_purchase_to),
    computedAt: date(row.computed_at)!,
  };
}

export async function countProfileClv(warehouse: Warehouse, workspaceId: string): Promise<number> {
  const [row] = await warehouse.query<{ n: bigint }>("select count(*) as n from profile_clv where workspace_id = $1::uuid", [workspaceId]);
  return Number(row?.n ?? 0);
}
