import { ORDER_COMPLETED, ORDER_REFUNDED } from "../profiles";
import { moveWarehouseOffset, readWarehouseOffset, WAREHOUSE_FIRST_TOUCHES_OFFSET, WAREHOUSE_ORDERS_OFFSET } from "./warehouse-offsets";
import type { WarehouseTransaction } from "./warehouse-types";

// The tables the loader keeps from `events` (DDL: storage/migrations/warehouse/…_event_rollups.sql).
// Each statement reads the events of a seq range, which DuckDB's zone maps on seq narrow to the
// blocks of that range.

/** Every Order Completed / Order Refunded with an order_id, with what the order metrics read. */
const copyOrderEvents = `
  insert into order_events
  select workspace_id, seq, event, order_id, identifier_id, ts, store_id, revenue,
         coalesce(nullif(properties->>'$.utm_campaign', ''), nullif(properties->>'$.campaign', ''), nullif(context->>'$.campaign.name', '')),
         coalesce(nullif(properties->>'$.utm_source', ''), nullif(context->>'$.campaign.source', '')),
         properties->'$.products'
  from events
  where seq > $1::bigint and seq <= $2::bigint and event in ('${ORDER_COMPLETED}', '${ORDER_REFUNDED}') and order_id is not null`;

/**
 * Each identifier's earliest (ts, then seq) store, campaign source and campaign name among the events
 * `where` selects, kept when earlier than the one already held.
 */
const addFirstTouches = (where: string) => `
  insert into first_touches
  select workspace_id, identifier_id, kind, min(ts), arg_min(seq, (ts, seq)), arg_min(value, (ts, seq))
  from (
    select workspace_id, identifier_id, ts, seq,
           unnest([{'kind': 'store', 'value': store_id},
                   {'kind': 'source', 'value': nullif(context->>'$.campaign.source', '')},
                   {'kind': 'campaign', 'value': nullif(context->>'$.campaign.name', '')}], recursive := true)
    from events
    where ${where} and identifier_id is not null and (store_id is not null or context is not null))
  where value is not null
  group by all
  on conflict (workspace_id, identifier_id, kind) do update set ts = excluded.ts, seq = excluded.seq, value = excluded.value
  where excluded.ts < first_touches.ts or (excluded.ts = first_touches.ts and excluded.seq < first_touches.seq)`;

const ROLLUPS = [
  { offset: WAREHOUSE_ORDERS_OFFSET, sql: copyOrderEvents },
  { offset: WAREHOUSE_FIRST_TOUCHES_OFFSET, sql: addFirstTouches("seq > $1::bigint and seq <= $2::bigint") },
];

/**
 * Brings every rollup from its offset up to `through` (the last seq of `events` it may read) and
 * moves the offsets there, in the caller's transaction: the loader calls it in the one that appends
 * the events, so the tables never disagree with them.
 */
export async function rollUpEvents(tx: WarehouseTransaction, through: number): Promise<void> {
  for (const rollup of ROLLUPS) {
    const from = await readWarehouseOffset(tx, rollup.offset);
    if (through <= from) continue;
    await tx.run(rollup.sql, [BigInt(from), BigInt(through)]);
    await moveWarehouseOffset(tx, rollup.offset, through);
  }
}

/**
 * After the snapshot refresh gave events loaded without an anchor their identifier (`anchored`: a
 * table of their seqs), in its transaction: their order events take it too, and their touches count.
 */
export async function followLateAnchors(tx: WarehouseTransaction, anchored: string): Promise<void> {
  await tx.run(`update order_events set identifier_id = s.identifier_id from ${anchored} s
                where order_events.seq = s.seq and order_events.identifier_id is null`);
  await tx.run(addFirstTouches(`seq in (select seq from ${anchored})`));
}
