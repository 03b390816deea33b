import { transactionWithSettings, type Db } from "@siyu/storage";

/**
 * Group commit: many concurrent calls share one transaction, so they share one commit (one fsync on the
 * server) and, when the work is set-based, one statement per step instead of one per call.
 *
 * Calls are queued, in the queue of their lane (one lane unless `lanes` says more). While a lane's
 * batch runs, its next calls wait in its queue; when it has committed, the lane's next batch takes
 * every queued call (up to `maxBatch`) at once. Each caller gets its
 * own answer only after the commit that holds its effect, so nothing is acknowledged that a crash could
 * still lose. A call's own refusal (a DomainError the batch returns for it) rejects that caller alone.
 *
 * If the set-based batch throws instead (a bug, a deadlock, a race the batch did not foresee), its
 * transaction is rolled back and the same calls run again one by one, each in a savepoint of one
 * transaction, so one bad call never fails its neighbours; and if that transaction fails as a whole,
 * each call runs in a transaction of its own. The work must be idempotent per call (keyed), since a
 * commit whose answer was lost runs again.
 *
 * Never submit from inside a transaction of the same database: the batch needs a connection of its own
 * (on PGlite, the only one) and the caller would wait for itself.
 */

/**
 * A set-based batch runs the same statements every time, their keys in arrays: one plan fits every run,
 * so its transaction lets the store keep a generic plan for them instead of planning each run anew (the
 * stores plan every run by default: storage's server-statements.ts). Its statements look rows up by key,
 * and a generic plan is kept until the table is analyzed again: one made while a table was small (a new
 * workspace's first minute, a table analyzed empty) would scan it whole as it grows — the replay check
 * of coupon redemptions scanned a table that grew by 18,000 rows a second, 7 ms a batch and rising —
 * so these transactions plan no sequential scans where an index can serve.
 */
const GENERIC_PLANS = { plan_cache_mode: "auto", enable_seqscan: "off" };

export interface GroupCommitSettings {
  /** The most calls one transaction takes; the rest wait for the next one. */
  maxBatch: number;
  /**
   * How many batches may run at once, each in its own transaction (on a PostgreSQL server, each on its
   * own connection and backend; the embedded store has one connection, where more lanes only queue).
   * A call goes to the lane of its `laneKey` (e.g. its member): one key's calls always share a lane and
   * keep their order. Batches lock their rows in key order, so lanes that meet wait, never in a cycle.
   */
  lanes?: number;
}

export const DEFAULT_GROUP_COMMIT_SETTINGS: Required<GroupCommitSettings> = { maxBatch: 500, lanes: 1 };

/** A batch's answer for one call: its value, or the error that call alone gets. */
export type CallOutcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

export interface GroupWork<C, R> {
  /** Every call of the batch inside one transaction, set-based; one outcome per call, in order. Throwing falls back. */
  batch(tx: Db, calls: readonly C[]): Promise<CallOutcome<R>[]>;
  /** One call alone (the fallback), inside the savepoint or transaction it is given. */
  one(tx: Db, call: C): Promise<R>;
  /** Which lane a call goes to when there are several: calls with one key share a lane. */
  laneKey?(call: C): string;
}

export interface GroupCommitStats {
  /** Transactions run: set-based batches, fallback transactions and calls run alone. */
  batches: number;
  calls: number;
  /** Batches whose set-based transaction threw and whose calls ran one by one. */
  fallbacks: number;
  largestBatch: number;
  /** Why the last fallback happened (the set-based batch's error), for diagnosis. */
  lastFallback: string | null;
}

export interface GroupCommitter<C, R> {
  submit(call: C): Promise<R>;
  stats(): GroupCommitStats;
}

interface Queued<C, R> {
  call: C;
  resolve(value: R): void;
  reject(error: unknown): void;
}

export function createGroupCommitter<C, R>(db: Db, work: GroupWork<C, R>, settings: GroupCommitSettings = DEFAULT_GROUP_COMMIT_SETTINGS): GroupCommitter<C, R> {
  if (!Number.isInteger(settings.maxBatch) || settings.maxBatch < 1) throw new RangeError(`maxBatch must be a positive whole number, got ${settings.maxBatch}`);
  const laneCount = settings.lanes ?? 1;
  if (!Number.isInteger(laneCount) || laneCount < 1) throw new RangeError(`lanes must be a positive whole number, got ${settings.lanes}`);
  const lanes = Array.from({ length: laneCount }, () => ({ queue: [] as Queued<C, R>[], running: false }));
  const stats: GroupCommitStats = { batches: 0, calls: 0, fallbacks: 0, largestBatch: 0, lastFallback: null };
  const laneOf = (call: C) => (laneCount === 1 || !work.laneKey ? lanes[0]! : lanes[fnv1a(work.laneKey(call)) % laneCount]!);

  const settle = (q: Queued<C, R>, outcome: CallOutcome<R>) => (outcome.ok ? q.resolve(outcome.value) : q.reject(outcome.error));
  const alone = async (call: C): Promise<CallOutcome<R>> => {
    stats.batches += 1;
    try {
      return { ok: true, value: await db.transaction((tx) => work.one(tx, call)) };
    } catch (error) {
      return { ok: false, error };
    }
  };

  async function fallBack(calls: readonly C[]): Promise<CallOutcome<R>[]> {
    stats.fallbacks += 1;
    if (calls.length === 1) return [await alone(calls[0]!)];
    try {
      stats.batches += 1;
      return await db.transaction(async (tx) => {
        const outcomes: CallOutcome<R>[] = [];
        for (const call of calls) {
          try {
            outcomes.push({ ok: true, value: await tx.transaction((sp) => work.one(sp, call)) });
          } catch (error) {
            outcomes.push({ ok: false, error });
          }
        }
        return outcomes;
      });
    } catch {
      const outcomes: CallOutcome<R>[] = [];
      for (const call of calls) outcomes.push(await alone(call));
      return outcomes;
    }
  }

  async function run(calls: readonly C[]): Promise<CallOutcome<R>[]> {
    stats.batches += 1;
    stats.calls += calls.length;
    stats.largestBatch = Math.max(stats.largestBatch, calls.length);
    try {
      // The settings go with BEGIN on the server: no round trip of their own.
      const outcomes = await transactionWithSettings(db, GENERIC_PLANS, (tx) => work.batch(tx, calls));
      if (outcomes.length !== calls.length) throw new Error(`group commit: ${outcomes.length} outcomes for ${calls.length} calls`);
      return outcomes;
    } catch (error) {
      stats.lastFallback = error instanceof Error ? error.message : String(error);
      return fallBack(calls);
    }
  }

  async function drain(lane: (typeof lanes)[number]) {
    try {
      while (lane.queue.length > 0) {
        const taken = lane.queue.splice(0, settings.maxBatch);
        const outcomes = await run(taken.map((q) => q.call));
        taken.forEach((q, i) => settle(q, outcomes[i]!));
      }
    } finally {
      lane.running = false;
    }
  }

  return {
    submit(call: C): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        const lane = laneOf(call);
        lane.queue.push({ call, resolve, reject });
        if (lane.running) return;
        lane.running = true;
        // Started on the next turn, so calls made in the same turn (a Promise.all) share the first batch.
        setImmediate(() => void drain(lane));
      });
    },
    stats: () => ({ ...stats }),
  };
}

/** FNV-1a over a string's UTF-16 code units: a cheap, stable spread of lane keys. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
