import { ORDER_COMPLETED, ORDER_REFUNDED } from "../profiles";
import { moveWarehouseOffset, readWarehouseOffset, WAREHOUSE_ORDERS_OFFSET } from "./warehouse-offsets";
import type { WarehouseTransaction } from "./warehouse-types";

/**
 * Copies the order events of `events` newer than the `warehouse.orders` offset, up to `through`,
 * into `order_events` and moves the offset there, in the caller's transaction: the loader calls it
 * in the one that appends the events, so the two tables never disagree. One statement; DuckDB's
 * zone maps on seq skip the blocks already copied. Returns the order events copied.
 */
export async function rollUpOrderEvents(tx: WarehouseTransaction, through: number): Promise<number> {
  const from = await readWarehouseOffset(tx, WAREHOUSE_ORDERS_OFFSET);
  if (through <= from) return 0;
  // DuckDB answers an INSERT with one row: Count.
  const [copied] = await tx.query<{ Count: bigint }>(
    `insert into order_events
     select workspace_id, seq, event, order_id, identifier_id, ts, store_id, revenue,
            coalesce(nullif(properties->>'$.utm_campaign', ''), nullif(properties->>'$.campaign', ''), nullif(context->>'$.campaign.name', '')),
            coalesce(nullif(properties->>'$.utm_source', ''), nullif(context->>'$.campaign.source', '')),
            properties->'$.products'
     from events
     where seq > $1::bigint and seq <= $2::bigint and event in ($3, $4) and order_id is not null`,
    [BigInt(from), BigInt(through), ORDER_COMPLETED, ORDER_REFUNDED],
  );
  await moveWarehouseOffset(tx, WAREHOUSE_ORDERS_OFFSET, through);
  return Number(copied?.Count ?? 0);
}
