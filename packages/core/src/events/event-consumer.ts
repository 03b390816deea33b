import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { logWindow, readEventsAfter, type LoggedEvent } from "./event-log.repository";
import { eventReadsOf, type EventReads } from "./event-reads";

export type EventHandler = (tx: Db, events: LoggedEvent[]) => Promise<void>;

/**
 * Runs one batch of a consumer whose effects live in Postgres: its offset moves
 * in the same transaction as its effects, so a crash anywhere replays the whole
 * batch or none of it — each effect happens exactly once. Returns the events the batch moved past.
 */
export interface ConsumeOptions {
  /**
   * The highest seq this consumer may handle now, read inside its transaction (e.g. another consumer's
   * position, so a consumer that needs the projector's anchors never runs ahead of it).
   */
  upTo?: (tx: Db) => Promise<number>;
  /**
   * Only events with these names reach the handler (e.g. the order events the points consumer acts
   * on): the others of the batch are not read at all, and the offset still moves past them.
   */
  named?: readonly string[];
}

export async function consumeEventBatch(db: Db, consumer: string, limit: number, handle: EventHandler, options: ConsumeOptions = {}): Promise<number> {
  // What the consumer ahead read is taken from memory (see EventReads).
  const reads = eventReadsOf(db);
  try {
    return await db.transaction(async (tx) => {
      // The row lock also keeps two workers from running the same consumer at once.
      const position = (await lockOffset(tx, consumer)) ?? (await createOffset(tx, consumer));
      // A consumer behind another reads only what that one has handled (none of its read is thrown away).
      const upTo = options.upTo ? await options.upTo(tx) : null;
      if (upTo !== null && upTo <= position) return 0;
      let handled: number;
      let last: number;
      if (options.named) {
        // The batch is the next `limit` events whatever their names; only the named ones are read.
        const window = await windowAfter(tx, reads, position, limit, upTo);
        if (window.count === 0) return 0;
        const events = reads.named(position, window.last, options.named) ?? (await readEventsAfter(tx, position, limit, window.last, options.named));
        if (events.length > 0) await handle(tx, events);
        [handled, last] = [window.count, window.last];
      } else {
        const events = await eventsAfter(tx, reads, position, limit, upTo);
        if (events.length === 0) return 0;
        await handle(tx, events);
        [handled, last] = [events.length, events[events.length - 1]!.seq];
      }
      await tx.execute(sql`
        update events_consumer_offsets set position = ${last}, updated_at = now()
        where consumer = ${consumer}`);
      return handled;
    });
  } catch (error) {
    // The retry reads the store: whatever made the batch fail, it is not something kept here.
    reads.forget();
    throw error;
  }
}

async function eventsAfter(tx: Db, reads: EventReads, position: number, limit: number, upTo: number | null): Promise<LoggedEvent[]> {
  const kept = reads.next(position, limit, upTo);
  if (kept) return kept;
  const events = await readEventsAfter(tx, position, limit, upTo);
  reads.remember(position, events);
  return events;
}

async function windowAfter(tx: Db, reads: EventReads, position: number, limit: number, upTo: number | null): Promise<{ count: number; last: number }> {
  const kept = reads.next(position, limit, upTo);
  if (!kept) return logWindow(tx, position, limit, upTo);
  return { count: kept.length, last: kept[kept.length - 1]?.seq ?? 0 };
}

async function lockOffset(tx: Db, consumer: string): Promise<number | null> {
  const result = (await tx.execute(sql`select position from events_consumer_offsets where consumer = ${consumer} for update`)) as unknown as {
    rows: { position: string | number }[];
  };
  return result.rows[0] ? Number(result.rows[0].position) : null;
}

/** A consumer's first batch: its offset row at 0 (another worker may have made it meanwhile), locked. */
async function createOffset(tx: Db, consumer: string): Promise<number> {
  await tx.execute(sql`insert into events_consumer_offsets (consumer, position, updated_at) values (${consumer}, 0, now()) on conflict (consumer) do nothing`);
  return (await lockOffset(tx, consumer)) ?? 0;
}

export async function consumerPosition(db: Db, consumer: string): Promise<number> {
  const result = (await db.execute(sql`select position from events_consumer_offsets where consumer = ${consumer}`)) as unknown as {
    rows: { position: string | number }[];
  };
  return Number(result.rows[0]?.position ?? 0);
}
