import { grown } from "./typed-arrays";

/**
 * The orders among a workspace's event sequences: each `Order Completed` and `Order Refunded` with an
 * order_id, numbered by order as they arrive (in seq order). An order is its completions — the first
 * one sent says who bought, where and for how much — and the sum of its refunds; a refund without an
 * amount refunds the whole order. The dashboard's order figures read these instead of grouping the
 * millions of order events by order id and joining them to profiles per query (0.9 s of the 3 s
 * dashboard at 1M / 20M, bench/RESULTS.md run 44).
 */
export interface OrderRows {
  /** Orders with a completion before the end asked for. */
  readonly size: number;
  /** The earliest of their times, epoch µs (Infinity: none). */
  readonly earliestUs: number;
  /** Each one's customer (a profile key; −1: none). */
  readonly profile: Int32Array;
  /** The earliest of its completions, epoch µs. */
  readonly us: Float64Array;
  /** Its first completion's store (a `store_id` value number; −1: none). */
  readonly store: Int32Array;
  /** Its first completion's revenue (0 without one). */
  readonly amount: Float64Array;
  /** The sum of its refunds' amounts. */
  readonly refunded: Float64Array;
  /** REFUNDED when it has a refund, | WHOLE when one of them had no amount. */
  readonly refunds: Uint8Array;
}

export const REFUNDED = 1;
export const WHOLE = 2;

export class SequenceOrders {
  private readonly numbers = new Map<string, number>();
  private orders = 0;
  /** By order: its first and last completion (−1: none yet), its refunds. */
  private first = new Int32Array(1024).fill(-1);
  private last = new Int32Array(1024).fill(-1);
  private refundSum = new Float64Array(1024);
  private refundFlags = new Uint8Array(1024);
  /** By completion, in arrival order: its identifier key, time, store, amount and the order's next completion. */
  private completions = 0;
  private identifier = new Int32Array(1024);
  private us = new Float64Array(1024);
  private store = new Int32Array(1024);
  private amount = new Float64Array(1024);
  private next = new Int32Array(1024);
  /** Completions held without an identifier, by the event's ordinal. */
  private readonly unanchored = new Map<number, number>();

  private orderOf(orderId: string): number {
    let order = this.numbers.get(orderId);
    if (order === undefined) {
      order = this.orders++;
      this.numbers.set(orderId, order);
      if (order === this.first.length) {
        this.first = grown(this.first, order * 2, -1);
        this.last = grown(this.last, order * 2, -1);
        this.refundSum = grown(this.refundSum);
        this.refundFlags = grown(this.refundFlags);
      }
    }
    return order;
  }

  /** An `Order Completed` (identifier −1: none yet, `anchor` gives it). */
  completed(orderId: string, identifier: number, us: number, store: number, revenue: number | null, ordinal: number): void {
    const order = this.orderOf(orderId);
    const c = this.completions++;
    if (c === this.us.length) {
      this.identifier = grown(this.identifier);
      this.us = grown(this.us);
      this.store = grown(this.store);
      this.amount = grown(this.amount);
      this.next = grown(this.next);
    }
    this.identifier[c] = identifier;
    this.us[c] = us;
    this.store[c] = store;
    this.amount[c] = revenue ?? 0;
    this.next[c] = -1;
    if (this.first[order] === -1) this.first[order] = c;
    else this.next[this.last[order]!] = c;
    this.last[order] = c;
    if (identifier < 0) this.unanchored.set(ordinal, c);
  }

  /** An `Order Refunded`: its amount, null for the whole order. */
  refunded(orderId: string, revenue: number | null): void {
    const order = this.orderOf(orderId);
    this.refundFlags[order]! |= revenue === null ? REFUNDED | WHOLE : REFUNDED;
    this.refundSum[order]! += revenue ?? 0;
  }

  /** The event of `ordinal`, held without an identifier, has one now. */
  anchor(ordinal: number, identifier: number): void {
    const c = this.unanchored.get(ordinal);
    if (c === undefined) return;
    this.identifier[c] = identifier;
    this.unanchored.delete(ordinal);
  }

  /** The last rows handed out, reused by the next call (at 2.4M orders, fresh arrays per call cost more in GC than the loop). */
  private out: { -readonly [K in keyof OrderRows]: OrderRows[K] } | null = null;

  /**
   * The orders with a completion before `endUs`, of the completions before it: the earliest time, the
   * first sent's customer (through `profileOf`, identifier → profile key), store and amount. Valid
   * until the next call.
   */
  rows(endUs: number, profileOf: Int32Array): OrderRows {
    const n = this.orders;
    if (this.out === null || this.out.profile.length < n) {
      const room = Math.max(1024, Math.ceil(n * 1.25));
      this.out = {
        size: 0,
        earliestUs: Infinity,
        profile: new Int32Array(room),
        us: new Float64Array(room),
        store: new Int32Array(room),
        amount: new Float64Array(room),
        refunded: new Float64Array(room),
        refunds: new Uint8Array(room),
      };
    }
    const rows = this.out;
    const { first, next, us: sent, identifier: identifiers, store, amount, refundSum, refundFlags } = this;
    const profiles = profileOf.length;
    let size = 0;
    let earliestUs = Infinity;
    for (let order = 0; order < n; order++) {
      let firstSent = first[order]!;
      // Refunds only, so far.
      if (firstSent === -1) continue;
      let earliest = sent[firstSent]!;
      if (next[firstSent] !== -1 || earliest >= endUs) {
        // Sent more than once, or after the end: the completions before the end decide.
        firstSent = -1;
        earliest = Infinity;
        for (let c = first[order]!; c !== -1; c = next[c]!) {
          const us = sent[c]!;
          if (us >= endUs) continue;
          if (firstSent === -1) firstSent = c;
          if (us < earliest) earliest = us;
        }
        if (firstSent === -1) continue;
      }
      const identifier = identifiers[firstSent]!;
      rows.profile[size] = identifier >= 0 && identifier < profiles ? profileOf[identifier]! : -1;
      rows.us[size] = earliest;
      if (earliest < earliestUs) earliestUs = earliest;
      rows.store[size] = store[firstSent]!;
      rows.amount[size] = amount[firstSent]!;
      rows.refunded[size] = refundSum[order]!;
      rows.refunds[size] = refundFlags[order]!;
      size++;
    }
    rows.size = size;
    rows.earliestUs = earliestUs;
    return rows;
  }
}
