import type { LoggedEvent } from "./event-log.repository";

/**
 * The log's latest events as the consumers read them, kept once per database handle: the projector reads
 * a batch from the store, and the consumers behind it (journeys, loyalty, tasks) take the same events from
 * memory instead of reading and decoding them again.
 *
 * Why an answer from here equals the store's: log rows are never updated, and appends are serialised so
 * that log order equals commit order (appendEvents). Once a read has seen seq N, every event up to N that
 * will ever exist is committed and was in that read. So a read of the events after `position` is complete
 * for good up to its last seq, and this keeps one such range, (from, to], extended by reads that start
 * inside it. Rows leave the log only with their whole workspace: whoever deletes them calls `forget`, and
 * a batch that fails forgets too, so its retry reads the store.
 */
export class EventReads {
  #events: LoggedEvent[] = [];
  /** Every event of the log with from < seq <= to is in #events (when it is not empty). */
  #from = 0;
  #to = 0;

  constructor(readonly capacity: number) {}

  /** The next `limit` events after `position` (up to `upTo`), or null when the covered range cannot tell. */
  next(position: number, limit: number, upTo: number | null): LoggedEvent[] | null {
    if (!this.#covers(position)) return null;
    const start = firstAfter(this.#events, position);
    const stop = Math.min(start + limit, upTo === null ? this.#events.length : firstAfter(this.#events, upTo));
    const taken = this.#events.slice(start, stop);
    return taken.length === limit || (upTo !== null && upTo <= this.#to) ? taken : null;
  }

  /** The events after `position` up to `upTo` with these names, or null when that range is not covered. */
  named(position: number, upTo: number, names: readonly string[]): LoggedEvent[] | null {
    if (!this.#covers(position) || upTo > this.#to) return null;
    const wanted = new Set(names);
    const found: LoggedEvent[] = [];
    for (let i = firstAfter(this.#events, position); i < this.#events.length && this.#events[i]!.seq <= upTo; i++) {
      const event = this.#events[i]!;
      if (event.event !== null && wanted.has(event.event)) found.push(event);
    }
    return found;
  }

  /** Keeps what a read of the store returned: every event after `position`, up to the last one's seq. */
  remember(position: number, events: readonly LoggedEvent[]): void {
    const last = events[events.length - 1];
    if (!last) return;
    if (this.#events.length === 0 || position > this.#to || position < this.#from) {
      // Nothing kept, or a range apart from the kept one: the reader furthest ahead starts it afresh.
      if (this.#events.length > 0 && last.seq <= this.#to) return;
      this.#events = events.map((event) => Object.freeze(event));
      this.#from = position;
    } else {
      for (let i = firstAfter(events, this.#to); i < events.length; i++) this.#events.push(Object.freeze(events[i]!));
    }
    this.#to = Math.max(this.#to, last.seq);
    const over = this.#events.length - this.capacity;
    if (over > 0) {
      this.#from = this.#events[over - 1]!.seq;
      this.#events = this.#events.slice(over);
    }
  }

  forget(): void {
    this.#events = [];
    this.#from = 0;
    this.#to = 0;
  }

  #covers(position: number): boolean {
    return this.#events.length > 0 && position >= this.#from && position <= this.#to;
  }
}

/** The index of the first event with a seq above `seq` (events in seq order). */
function firstAfter(events: readonly LoggedEvent[], seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.seq <= seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Events a consumer batch keeps in memory for the consumers behind it (about 2 KB each decoded). */
export const EVENT_READS_CAPACITY = 20_000;

const byDatabase = new WeakMap<object, EventReads>();

/** The reads kept for one database handle (the one the consumers are given, not a transaction's). */
export function eventReadsOf(db: object): EventReads {
  let reads = byDatabase.get(db);
  if (!reads) byDatabase.set(db, (reads = new EventReads(EVENT_READS_CAPACITY)));
  return reads;
}
