import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FunnelQuery, type FunnelResultDto } from "@siyu/contracts";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { newId } from "../../shared/ids";
import { deleteWorkspaceFromWarehouse } from "../../warehouse";
import { moveWarehouseOffset, WAREHOUSE_ANCHORS_OFFSET } from "../../warehouse/warehouse-offsets";
import { appendSyntheticEvents, syntheticId, type SyntheticEvent } from "./explore.fixtures";
import { analyseFunnel, analyseFunnelInWarehouse, droppedCustomers, droppedCustomersInWarehouse, followsSequences } from "./funnel.query";

// The funnel over the in-memory event sequences against the SQL statement over the warehouse, while
// the warehouse changes under the sequences the way it does in service: more events loaded, customers
// merged by a snapshot refresh, identifiers filled in late, rows arriving below the last seq held, a
// workspace deleted. The statement is itself checked against a plain recomputation
// (explore.property.test.ts).
const TZ = "Asia/Shanghai";
const START = Date.parse("2026-03-02T00:00:00+08:00");
const EVENTS = ["A", "B", "C", "D"];

let warehouse: Warehouse;
let anchors = 0;
beforeAll(async () => {
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterAll(() => warehouse?.close());

const eventArb: fc.Arbitrary<SyntheticEvent> = fc.record({
  actor: fc.option(fc.integer({ min: 1, max: 5 }), { freq: 8 }),
  // Page views (no name) among them: strict order steps over them, as the statement does.
  event: fc.constantFrom(...EVENTS, null),
  // Four days of a few busy hours, in 15-minute steps: repeats, ties and gaps of exactly a window happen.
  at: fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 16 })).map(([d, t]) => new Date(START + d * 86_400_000 + t * 15 * 60_000)),
  // Breakdown columns: a few values, none, an empty text, and values whose UTF-16 and UTF-8 orders differ.
  channel: fc.constantFrom("wecom", "sms", "", null, "\u{1F600}", "\uFF5E"),
  storeId: fc.constantFrom("s1", "s2", null),
});
const batchArb = fc.array(eventArb, { maxLength: 40 });
const day = (offset: number) => new Date(Date.UTC(2026, 2, 2 + offset)).toISOString().slice(0, 10);
const queryArb = fc
  .record({
    steps: fc.array(fc.record({ event: fc.constantFrom(...EVENTS, "Never") }), { minLength: 2, maxLength: 5 }),
    // Often a whole number of the events' 15-minute steps, so that a step lands exactly at the window's end.
    window: fc.oneof(
      fc.record({ value: fc.constantFrom(15, 30, 45, 60, 90), unit: fc.constant("minute" as const) }),
      fc.record({ value: fc.integer({ min: 1, max: 48 }), unit: fc.constantFrom("minute" as const, "hour" as const, "day" as const) }),
    ),
    order: fc.constantFrom("loose" as const, "strict" as const),
    period: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })).map(([a, b]) => ({ from: day(Math.min(a, b)), to: day(Math.max(a, b)) })),
    breakdown: fc.option(fc.record({ property: fc.constantFrom("channel", "store_id"), limit: fc.integer({ min: 1, max: 3 }) }), { nil: undefined }),
  })
  .map((raw) => FunnelQuery.parse(raw));

/** Numbers to 9 decimals: the two engines interpolate medians in floating point, in their own order. */
function rounded(result: FunnelResultDto): unknown {
  return JSON.parse(JSON.stringify(result), (_key, value: unknown) => (typeof value === "number" ? Math.round(value * 1e9) / 1e9 : value));
}

/** The series as a map by group: the order of groups with equal weight is not part of the answer. */
function byGroup(result: FunnelResultDto): Map<string, unknown> {
  return new Map(result.series.map((s) => [JSON.stringify(s.group), rounded({ series: [s] })]));
}

async function expectSameAnswers(workspaceId: string, query: FunnelQuery) {
  const got = await analyseFunnel(warehouse, workspaceId, TZ, query);
  const want = await analyseFunnelInWarehouse(warehouse, workspaceId, TZ, query);
  expect(byGroup(got)).toEqual(byGroup(want));
  expect(got.series.map((s) => s.group.kind)).toEqual(want.series.map((s) => s.group.kind));
  const groups = got.series.map((s) => s.group);
  for (let step = 1; step < query.steps.length; step++) {
    const group = groups[step % groups.length]!;
    const input = { query, step, group, limit: null };
    const want = await droppedCustomersInWarehouse(warehouse, workspaceId, TZ, input);
    expect(await droppedCustomers(warehouse, workspaceId, TZ, input)).toEqual(want);
    // A page after a cursor: the customers after it in id order, the total over all of them.
    if (want.items.length > 1) {
      const page = { ...input, limit: 2, cursor: want.items[0]!.profileId };
      expect(await droppedCustomers(warehouse, workspaceId, TZ, page)).toEqual(await droppedCustomersInWarehouse(warehouse, workspaceId, TZ, page));
    }
  }
}

describe("the funnel over event sequences equals the SQL statement", () => {
  // Breakdowns by a kept column, drills into each kind of group, pages after a cursor.
  it("as events are loaded, customers merge, identifiers arrive late, rows come below the last seq and the workspace goes", async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, batchArb, batchArb, queryArb, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), async (first, second, below, query, into, merged) => {
        expect(followsSequences(query)).toBe(true);
        const workspaceId = newId();
        await appendSyntheticEvents(warehouse, workspaceId, first, { firstSeq: 1000, profiles: [1, 2, 3, 4, 5].map((actor) => ({ actor })) });
        await expectSameAnswers(workspaceId, query);

        await appendSyntheticEvents(warehouse, workspaceId, second, { firstSeq: 2000 });
        await expectSameAnswers(workspaceId, query);

        // A snapshot refresh brought a merge: one customer's identifier now belongs to another's profile.
        await warehouse.run("update profile_identifiers set profile_id = $1::uuid where workspace_id = $2::uuid and identifier_id = $3::uuid", [
          syntheticId(into),
          workspaceId,
          syntheticId(merged, 2),
        ]);
        await expectSameAnswers(workspaceId, query);

        // ... and anchored events loaded without an identifier.
        await warehouse.transaction(async (tx) => {
          await tx.run("update events set identifier_id = $1::uuid where workspace_id = $2::uuid and identifier_id is null and seq % 2 = 0", [
            syntheticId(merged, 2),
            workspaceId,
          ]);
          await moveWarehouseOffset(tx, WAREHOUSE_ANCHORS_OFFSET, ++anchors);
        });
        await expectSameAnswers(workspaceId, query);

        // Rows below the last seq held (not the loader's way, but a warehouse may hold them).
        await appendSyntheticEvents(warehouse, workspaceId, below, { firstSeq: 1 });
        await expectSameAnswers(workspaceId, query);

        await deleteWorkspaceFromWarehouse(warehouse, workspaceId);
        const gone = await analyseFunnel(warehouse, workspaceId, TZ, query);
        expect(gone.series.map((s) => s.steps.map((x) => x.count))).toEqual([query.steps.map(() => 0)]);
      }),
      { numRuns: 20 },
    );
  });

  it("follows the events' order by time, then seq, however they were appended", async () => {
    // A start appended after its later steps, and three steps at the same instant.
    const workspaceId = newId();
    const at = (minutes: number) => new Date(START + minutes * 60_000);
    await appendSyntheticEvents(warehouse, workspaceId, [
      { actor: 1, event: "C", at: at(10) },
      { actor: 1, event: "B", at: at(5) },
      { actor: 1, event: "A", at: at(0) },
      { actor: 2, event: "A", at: at(0) },
      { actor: 2, event: "B", at: at(0) },
      { actor: 2, event: "C", at: at(0) },
      // Step 2 exactly at the window's end counts; step 3 a minute later does not.
      { actor: 3, event: "A", at: at(0) },
      { actor: 3, event: "B", at: at(60) },
      { actor: 3, event: "C", at: at(61) },
    ]);
    const query = FunnelQuery.parse({ steps: [{ event: "A" }, { event: "B" }, { event: "C" }], period: { from: day(0), to: day(0) }, window: { value: 1, unit: "hour" } });
    const result = await analyseFunnel(warehouse, workspaceId, TZ, query);
    expect(result.series[0]!.steps.map((s) => s.count)).toEqual([3, 3, 2]);
    expect(result.series[0]!.timeToConvert!.median).toBe(300); // (600 + 0) / 2
    await expectSameAnswers(workspaceId, query);
  });

  it("in strict order, steps over page views (events without a name) as the statement does", async () => {
    const workspaceId = newId();
    const at = (minutes: number) => new Date(START + minutes * 60_000);
    await appendSyntheticEvents(warehouse, workspaceId, [
      { actor: 1, event: "A", at: at(0) },
      { actor: 1, event: null, at: at(1) },
      { actor: 1, event: "B", at: at(2) },
      { actor: 2, event: "A", at: at(0) },
      { actor: 2, event: "C", at: at(1) },
      { actor: 2, event: "B", at: at(2) },
    ]);
    const query = FunnelQuery.parse({ steps: [{ event: "A" }, { event: "B" }], order: "strict", period: { from: day(0), to: day(0) } });
    const result = await analyseFunnel(warehouse, workspaceId, TZ, query);
    expect(result.series[0]!.steps.map((s) => s.count)).toEqual([2, 1]);
    await expectSameAnswers(workspaceId, query);
  });

  it("takes in identifiers the snapshot refresh filled in after the events were loaded", async () => {
    const workspaceId = newId();
    const at = (minutes: number) => new Date(START + minutes * 60_000);
    // Customer 1's visit, loaded before the profile projector reached it: no identifier yet.
    await appendSyntheticEvents(
      warehouse,
      workspaceId,
      [
        { actor: null, event: "A", at: at(0) },
        { actor: null, event: "B", at: at(3) },
        { actor: 2, event: "A", at: at(5) },
      ],
      { profiles: [{ actor: 1 }, { actor: 2 }] },
    );
    const query = FunnelQuery.parse({ steps: [{ event: "A" }, { event: "B" }], period: { from: day(0), to: day(0) } });
    const counts = async () => (await analyseFunnel(warehouse, workspaceId, TZ, query)).series[0]!.steps.map((s) => s.count);
    expect(await counts()).toEqual([1, 0]);
    await warehouse.transaction(async (tx) => {
      await tx.run("update events set identifier_id = $1::uuid where workspace_id = $2::uuid and identifier_id is null", [syntheticId(1, 2), workspaceId]);
      await moveWarehouseOffset(tx, WAREHOUSE_ANCHORS_OFFSET, ++anchors);
    });
    expect(await counts()).toEqual([2, 1]);
    await expectSameAnswers(workspaceId, query);
  });

  it("breaks down by the best start's channel, ties among the top values broken in DuckDB's text order", async () => {
    const workspaceId = newId();
    const at = (minutes: number) => new Date(START + minutes * 60_000);
    // One customer a channel each; "～" (U+FF5E) sorts before "😀" in UTF-8 bytes, after it in UTF-16.
    await appendSyntheticEvents(warehouse, workspaceId, [
      { actor: 1, event: "A", at: at(0), channel: "\u{1F600}" },
      { actor: 1, event: "B", at: at(1) },
      { actor: 2, event: "A", at: at(0), channel: "\uFF5E" },
      { actor: 3, event: "A", at: at(0) },
      { actor: 3, event: "B", at: at(2), channel: "sms" },
      { actor: 4, event: "A", at: at(0) },
    ]);
    const query = FunnelQuery.parse({ steps: [{ event: "A" }, { event: "B" }], period: { from: day(0), to: day(0) }, breakdown: { property: "channel", limit: 1 } });
    const result = await analyseFunnel(warehouse, workspaceId, TZ, query);
    expect(result.series.map((s) => [s.group, s.steps.map((x) => x.count)])).toEqual([
      [{ kind: "all" }, [4, 2]],
      [{ kind: "value", value: "\uFF5E" }, [1, 0]],
      [{ kind: "other" }, [1, 1]],
      [{ kind: "none" }, [2, 1]],
    ]);
    await expectSameAnswers(workspaceId, query);
    // A drill into a value that is not among the top ones finds nobody (not the customers without one).
    const absent = { query, step: 1, group: { kind: "value" as const, value: "sms" }, limit: null };
    expect(await droppedCustomers(warehouse, workspaceId, TZ, absent)).toEqual({ items: [], total: 0 });
    expect(await droppedCustomersInWarehouse(warehouse, workspaceId, TZ, absent)).toEqual({ items: [], total: 0 });
  });
});
