import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CustomerRuns } from "./customer-runs";

// Whatever the appends, late anchors and compactions, each customer is visited once with exactly
// their events in the range, in time order and then arrival order — a plain sort of everything.
type Op = { kind: "append"; identifier: number; us: number; code: number } | { kind: "anchor"; pick: number; identifier: number } | { kind: "compact" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant("append" as const), identifier: fc.integer({ min: -1, max: 6 }), us: fc.integer({ min: 0, max: 12 }), code: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("anchor" as const), pick: fc.nat(), identifier: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 1, arbitrary: fc.constant({ kind: "compact" as const }) },
);

describe("customer runs", () => {
  it("hand each customer their events in the range, in time then arrival order", () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 80 }),
        fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 7, maxLength: 7 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 13 }),
        (ops, profileOf, x, y) => {
          const runs = new CustomerRuns();
          const events: { identifier: number; us: number; code: number; ordinal: number }[] = [];
          for (const op of ops) {
            if (op.kind === "append") events.push({ ...op, ordinal: runs.append(op.identifier, op.us, op.code) });
            else if (op.kind === "compact") runs.compact(7);
            else {
              const waiting = events.filter((e) => e.identifier === -1);
              const event = waiting[op.pick % Math.max(1, waiting.length)];
              if (!event) continue;
              runs.anchor(event.ordinal, op.identifier);
              event.identifier = op.identifier;
            }
          }
          expect(runs.size).toBe(events.length);
          const [from, end] = [Math.min(x, y), Math.max(x, y)];
          const want = new Map<number, [number, number, number][]>();
          for (const e of [...events].sort((a, b) => a.us - b.us || a.ordinal - b.ordinal)) {
            const p = e.identifier >= 0 ? profileOf[e.identifier]! : -1;
            if (p < 0 || e.us < from || e.us >= end) continue;
            want.set(p, [...(want.get(p) ?? []), [e.us, e.code, e.ordinal]]);
          }
          const got = new Map<number, [number, number, number][]>();
          runs.forEachCustomer(Int32Array.from(profileOf), 4, from, end, {
            visit(p, us, code, ordinal, a, b) {
              expect(got.has(p)).toBe(false);
              got.set(p, Array.from({ length: b - a }, (_, i) => [us[a + i]!, code[a + i]!, ordinal[a + i]!]));
            },
          });
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("merge the tail in once it outgrows a sixteenth of the runs", () => {
    const runs = new CustomerRuns();
    for (let i = 0; i < 60_000; i++) runs.append(i % 1000, 70_000 - i, 0);
    runs.compactIfDue(1000);
    expect(runs.pending).toBe(60_000);
    for (let i = 60_000; i < 70_000; i++) runs.append(i % 1000, 70_000 - i, 0);
    runs.append(-1, 5, 0); // no identifier yet: stays in the tail
    runs.compactIfDue(1000);
    expect(runs.pending).toBe(1);
    // Compacted: one customer's 70 events come out sorted although they arrived newest first.
    let seen: number[] = [];
    const profileOf = Int32Array.from({ length: 1000 }, (_, i) => (i === 7 ? 0 : -1));
    runs.forEachCustomer(profileOf, 1, 0, 1e9, { visit: (_p, us, _c, _o, a, b) => (seen = Array.from(us.subarray(a, b))) });
    expect(seen).toHaveLength(70);
    expect(seen).toEqual([...seen].sort((p, q) => p - q));
    expect(runs.size).toBe(70_001);
  });
});
