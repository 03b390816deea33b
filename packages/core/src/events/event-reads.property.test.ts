import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LoggedEvent } from "./event-log.repository";
import { EventReads } from "./event-reads";

const NAMES = ["Product Viewed", "Order Completed", "Order Refunded"];

function loggedEvent(seq: number, name: string): LoggedEvent {
  const ts = new Date(Date.UTC(2026, 10, 1) + seq * 1000);
  return { seq, workspaceId: "w", messageId: `m${seq}`, type: "track", event: name, userId: "u", anonymousId: null, ts, receivedAt: ts, payload: { event: name } };
}

/** What the store answers: the log's events after `position` (up to `upTo`), at most `limit`. */
function fromStore(log: readonly LoggedEvent[], position: number, limit: number, upTo: number | null) {
  return log.filter((e) => e.seq > position && (upTo === null || e.seq <= upTo)).slice(0, limit);
}

type Step =
  | { kind: "append"; gaps: number[]; names: number[] }
  | { kind: "read"; at: number; limit: number; behind: number | null }
  | { kind: "named"; at: number; limit: number; behind: number | null; names: number[] }
  | { kind: "forget" };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant("append" as const),
    // Seqs have gaps: a rolled-back append or a duplicate still takes its numbers.
    gaps: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 6 }),
    names: fc.array(fc.nat({ max: NAMES.length - 1 }), { minLength: 6, maxLength: 6 }),
  }),
  fc.record({ kind: fc.constant("read" as const), at: fc.double({ min: 0, max: 1, noNaN: true }), limit: fc.integer({ min: 1, max: 9 }), behind: fc.option(fc.double({ min: 0, max: 1, noNaN: true })) }),
  fc.record({
    kind: fc.constant("named" as const),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    limit: fc.integer({ min: 1, max: 9 }),
    behind: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
    names: fc.array(fc.nat({ max: NAMES.length - 1 }), { minLength: 1, maxLength: 2 }),
  }),
  fc.constant({ kind: "forget" as const }),
);

describe("the events kept for the consumers behind (EventReads)", () => {
  it("answers only what the store would answer, whatever the reads, appends, gaps and capacity", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), fc.integer({ min: 1, max: 12 }), (steps, capacity) => {
        const reads = new EventReads(capacity);
        const log: LoggedEvent[] = [];
        let last = 0;
        for (const s of steps) {
          if (s.kind === "append") {
            s.gaps.forEach((gap, i) => log.push(loggedEvent((last += gap), NAMES[s.names[i]!]!)));
            continue;
          }
          if (s.kind === "forget") {
            reads.forget();
            continue;
          }
          // A consumer's position and its upTo (another consumer's position) are seqs the log has reached.
          const position = Math.floor(s.at * last);
          const upTo = s.behind === null ? null : position + Math.ceil(s.behind * (last - position));
          if (upTo !== null && upTo <= position) continue;
          const truth = fromStore(log, position, s.limit, upTo);
          if (s.kind === "read") {
            const kept = reads.next(position, s.limit, upTo);
            if (kept) expect(kept).toEqual(truth);
            else reads.remember(position, truth);
          } else {
            // The named path: the window of the next `limit` events, then the named ones in it.
            const window = reads.next(position, s.limit, upTo) ?? truth;
            expect(window).toEqual(truth);
            const windowLast = truth[truth.length - 1]?.seq;
            if (windowLast === undefined) continue;
            const names = s.names.map((n) => NAMES[n]!);
            const kept = reads.named(position, windowLast, names);
            if (kept) expect(kept).toEqual(truth.filter((e) => names.includes(e.event!)));
          }
        }
      }),
      { numRuns: 500 },
    );
  });

  it("serves the consumer behind from what the one ahead read, and stops at its capacity", () => {
    const reads = new EventReads(5);
    const log = [1, 2, 4, 7, 8, 9, 12].map((seq) => loggedEvent(seq, "Product Viewed"));
    expect(reads.next(0, 4, null)).toBeNull();
    reads.remember(0, log.slice(0, 4));
    // Behind the reader ahead (up to its position 7), and within what it read.
    expect(reads.next(0, 10, 7)?.map((e) => e.seq)).toEqual([1, 2, 4, 7]);
    expect(reads.next(2, 2, 7)?.map((e) => e.seq)).toEqual([4, 7]);
    // Past what was read: the store must answer.
    expect(reads.next(4, 10, null)).toBeNull();
    reads.remember(7, log.slice(4));
    // Capacity 5: the oldest two went; a read from before them goes to the store.
    expect(reads.next(0, 3, null)).toBeNull();
    expect(reads.next(2, 3, null)?.map((e) => e.seq)).toEqual([4, 7, 8]);
    reads.forget();
    expect(reads.next(7, 1, null)).toBeNull();
  });
});
