import type { Db, Warehouse } from "@siyu/storage";
import { toEventRow } from "./event-row";
import { warehouseErrors } from "./warehouse.errors";
import { rollUpEvents } from "./rollups";
import { asWarehouseWriter, moveWarehouseOffset, readWarehouseOffset, WAREHOUSE_EVENTS_OFFSET } from "./warehouse-offsets";
import { readEventsWithAnchorsAfter } from "./warehouse-source.repository";

export interface LoadEventsInput {
  db: Db;
  warehouse: Warehouse;
  /** Events per DuckDB transaction (default 10,000: about half a second, most of it reading the log). */
  batchSize?: number;
}

export const DEFAULT_WAREHOUSE_BATCH = 10_000;

/**
 * Loads the next batch of the event log into the warehouse, exactly once: the rows
 * and the loader's offset commit in one DuckDB transaction, so a crash before the
 * commit leaves neither and the batch is read again; after it, both. Returns the
 * number of events loaded (0 when the warehouse has caught up).
 */
export function loadEventsIntoWarehouse({ db, warehouse, batchSize = DEFAULT_WAREHOUSE_BATCH }: LoadEventsInput): Promise<number> {
  return asWarehouseWriter(warehouse, () => loadNextBatch(db, warehouse, batchSize));
}

/** Loads batch after batch until the log has nothing newer. Returns the events loaded. */
export async function drainWarehouse(input: LoadEventsInput): Promise<number> {
  const batchSize = input.batchSize ?? DEFAULT_WAREHOUSE_BATCH;
  let total = 0;
  for (;;) {
    const loaded = await loadEventsIntoWarehouse({ ...input, batchSize });
    total += loaded;
    if (loaded < batchSize) return total;
  }
}

async function loadNextBatch(db: Db, warehouse: Warehouse, batchSize: number): Promise<number> {
  const position = await readWarehouseOffset(warehouse, WAREHOUSE_EVENTS_OFFSET);
  // With the anchors the projector has already written; the rest are filled in by refreshProfileSnapshot.
  const events = await readEventsWithAnchorsAfter(db, position, batchSize);
  if (events.length === 0) {
    await catchUpRollups(warehouse, position);
    return 0;
  }
  const last = events[events.length - 1]!.event.seq;
  const rows = events.map(({ event, identifierId }) => toEventRow(event, identifierId));
  await warehouse.transaction(async (tx) => {
    const current = await readWarehouseOffset(tx, WAREHOUSE_EVENTS_OFFSET);
    if (current !== position) {
      throw warehouseErrors.error(
        "warehouse.offset_moved",
        `The warehouse offset moved from ${position} to ${current} while this batch was read: another loader is running`,
      );
    }
    await tx.append("events", rows);
    await moveWarehouseOffset(tx, WAREHOUSE_EVENTS_OFFSET, last);
    await rollUpEvents(tx, last);
  });
  caughtUp.add(warehouse);
  return events.length;
}

const caughtUp = new WeakSet<Warehouse>();

/**
 * A warehouse whose events predate its rollups (rollups.ts) gets them caught up on the first idle
 * pass of this process; each batch after that rolls up its own events.
 */
async function catchUpRollups(warehouse: Warehouse, position: number): Promise<void> {
  if (caughtUp.has(warehouse)) return;
  await warehouse.transaction((tx) => rollUpEvents(tx, position));
  caughtUp.add(warehouse);
}
