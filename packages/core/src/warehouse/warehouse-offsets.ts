import type { Warehouse } from "@siyu/storage";
import type { WarehouseTransaction } from "./warehouse-types";

/** The loader's place in the event log: the last seq whose row is in `events`. */
export const WAREHOUSE_EVENTS_OFFSET = "warehouse.events";
/** Every event up to this seq has its final identifier_id (or never will have one). */
export const WAREHOUSE_ANCHORS_OFFSET = "warehouse.anchors";
/** The last seq of `events` whose order events are in `order_events`. */
export const WAREHOUSE_ORDERS_OFFSET = "warehouse.orders";
/** The last seq of `events` whose touches `first_touches` has taken in. */
export const WAREHOUSE_FIRST_TOUCHES_OFFSET = "warehouse.first_touches";

type Reader = Pick<Warehouse, "query"> | WarehouseTransaction;

export async function readWarehouseOffset(reader: Reader, consumer: string): Promise<number> {
  const rows = await reader.query<{ position: bigint | number }>("select position from _siyu_warehouse_offsets where consumer = $1", [
    consumer,
  ]);
  return Number(rows[0]?.position ?? 0);
}

/** Only ever inside the transaction that wrote what the new position covers. */
export async function moveWarehouseOffset(tx: WarehouseTransaction, consumer: string, position: number): Promise<void> {
  await tx.run(
    `insert into _siyu_warehouse_offsets (consumer, position, updated_at) values ($1, $2::bigint, now())
     on conflict (consumer) do update set position = excluded.position, updated_at = excluded.updated_at`,
    [consumer, BigInt(position)],
  );
}

const writers = new WeakMap<Warehouse, Promise<unknown>>();

/**
 * Runs the warehouse's writers (loader, snapshot refresh) one at a time in this
 * process. DuckDB lets only one process open the file, so this is the whole story;
 * the loader's offset check stays as the proof.
 */
export function asWarehouseWriter<T>(warehouse: Warehouse, work: () => Promise<T>): Promise<T> {
  const previous = writers.get(warehouse) ?? Promise.resolve();
  const next = previous.then(work, work);
  writers.set(
    warehouse,
    next.catch(() => undefined),
  );
  return next;
}
