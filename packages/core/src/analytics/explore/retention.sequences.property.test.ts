import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RetentionQuery } from "@siyu/contracts";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { newId } from "../../shared/ids";
import { deleteWorkspaceFromWarehouse } from "../../warehouse";
import { moveWarehouseOffset, WAREHOUSE_ANCHORS_OFFSET } from "../../warehouse/warehouse-offsets";
import { appendSyntheticEvents, syntheticId, type SyntheticEvent } from "./explore.fixtures";
import { analyseRetention, analyseRetentionInWarehouse, retentionFollowsSequences } from "./retention.query";

// The retention table over the in-memory event sequences against the SQL statement over the
// warehouse, while the warehouse changes under the sequences as in service (more events, a merge,
// identifiers filled in late, rows below the last seq, the workspace deleted), in a zone without and
// one with daylight saving time. The statement is itself checked against a plain recomputation
// (explore.property.test.ts).
const START = Date.parse("2026-01-26T00:00:00Z");
const EVENTS = ["A", "B", "Order Completed"];
const HOUR = 3_600_000;

let warehouse: Warehouse;
let anchors = 0;
beforeAll(async () => {
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterAll(() => warehouse?.close());

const eventArb: fc.Arbitrary<SyntheticEvent> = fc.record({
  actor: fc.option(fc.integer({ min: 1, max: 4 }), { freq: 8 }),
  event: fc.constantFrom(...EVENTS, ...EVENTS, null),
  // Every third day of sixty at a few hours: weeks and months go by, events land either side of
  // local midnights in both zones (Shanghai: 15:30 UTC is 23:30, 16:00 is 00:00; New York: 04:30 UTC
  // is 23:30 in winter, 00:30 in summer), and a customer's events often share an instant.
  at: fc.tuple(fc.integer({ min: 0, max: 20 }), fc.constantFrom(0, 4.5, 9.5, 15.5, 16, 21)).map(([d, h]) => new Date(START + d * 3 * 24 * HOUR + h * HOUR)),
});
const batchArb = fc.array(eventArb, { minLength: 20, maxLength: 60 });
const day = (offset: number) => new Date(START + offset * 24 * HOUR).toISOString().slice(0, 10);
const queryArb = fc
  .record({
    cohort: fc.oneof(fc.record({ kind: fc.constant("first_event" as const), event: fc.constantFrom(...EVENTS, ...EVENTS, "Never") }), fc.constant({ kind: "first_order" as const })),
    returnEvent: fc.record({ event: fc.constantFrom(...EVENTS, ...EVENTS, "Never") }),
    interval: fc.constantFrom("day" as const, "week" as const, "month" as const),
    periods: fc.integer({ min: 1, max: 6 }),
    mode: fc.constantFrom("bounded" as const, "unbounded" as const),
    period: fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 45 })).map(([a, b]) => ({ from: day(a), to: day(a + b) })),
  })
  .map((raw) => RetentionQuery.parse(raw));
const zoneArb = fc.constantFrom("Asia/Shanghai", "America/New_York");

async function expectSameAnswers(workspaceId: string, timeZone: string, query: RetentionQuery) {
  expect(await analyseRetention(warehouse, workspaceId, timeZone, query)).toEqual(await analyseRetentionInWarehouse(warehouse, workspaceId, timeZone, query));
}

describe("the retention table over event sequences equals the SQL statement", () => {
  it("as events are loaded, customers merge, identifiers arrive late, rows come below the last seq and the workspace goes", async () => {
    await fc.assert(
      fc.asyncProperty(batchArb, batchArb, batchArb, queryArb, zoneArb, fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }), async (first, second, below, query, zone, into, merged) => {
        expect(retentionFollowsSequences(query)).toBe(true);
        const workspaceId = newId();
        await appendSyntheticEvents(warehouse, workspaceId, first, { firstSeq: 1000, profiles: [1, 2, 3, 4, 5, 6].map((actor) => ({ actor })) });
        await expectSameAnswers(workspaceId, zone, query);

        await appendSyntheticEvents(warehouse, workspaceId, second, { firstSeq: 2000 });
        await expectSameAnswers(workspaceId, zone, query);

        await warehouse.run("update profile_identifiers set profile_id = $1::uuid where workspace_id = $2::uuid and identifier_id = $3::uuid", [
          syntheticId(into),
          workspaceId,
          syntheticId(merged, 2),
        ]);
        await expectSameAnswers(workspaceId, zone, query);

        await warehouse.transaction(async (tx) => {
          await tx.run("update events set identifier_id = $1::uuid where workspace_id = $2::uuid and identifier_id is null and seq % 2 = 0", [
            syntheticId(merged, 2),
            workspaceId,
          ]);
          await moveWarehouseOffset(tx, WAREHOUSE_ANCHORS_OFFSET, ++anchors);
        });
        await expectSameAnswers(workspaceId, zone, query);

        await appendSyntheticEvents(warehouse, workspaceId, below, { firstSeq: 1 });
        await expectSameAnswers(workspaceId, zone, query);

        await deleteWorkspaceFromWarehouse(warehouse, workspaceId);
        expect((await analyseRetention(warehouse, workspaceId, zone, query)).cohorts).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });

  it("counts a return strictly after the first event, in the bucket of its local day", async () => {
    const workspaceId = newId();
    const at = (iso: string) => new Date(iso);
    await appendSyntheticEvents(warehouse, workspaceId, [
      // Customer 1's first order on Monday 2 March (Shanghai), again at the same instant (not a
      // return), then on Sunday 8 March at 23:30 local (still week 0) and Monday 9 March 00:30 (week 1).
      { actor: 1, event: "Order Completed", at: at("2026-03-02T10:00:00+08:00") },
      { actor: 1, event: "Order Completed", at: at("2026-03-02T10:00:00+08:00") },
      { actor: 1, event: "Order Completed", at: at("2026-03-08T23:30:00+08:00") },
      { actor: 1, event: "Order Completed", at: at("2026-03-09T00:30:00+08:00") },
      // Customer 3's first order on Wednesday 4 March, again at the same instant, then in week 2.
      { actor: 3, event: "Order Completed", at: at("2026-03-04T10:00:00+08:00") },
      { actor: 3, event: "Order Completed", at: at("2026-03-04T10:00:00+08:00") },
      { actor: 3, event: "Order Completed", at: at("2026-03-17T10:00:00+08:00") },
      // Customer 2's first order came before the period: not in a cohort.
      { actor: 2, event: "Order Completed", at: at("2026-02-20T10:00:00+08:00") },
      { actor: 2, event: "Order Completed", at: at("2026-03-03T10:00:00+08:00") },
    ]);
    const query = RetentionQuery.parse({ cohort: { kind: "first_order" }, returnEvent: { event: "Order Completed" }, interval: "week", periods: 2, period: { from: "2026-03-01", to: "2026-03-31" } });
    const result = await analyseRetention(warehouse, workspaceId, "Asia/Shanghai", query);
    expect(result.cohorts.map(({ cohort, size, counts }) => ({ cohort, size, counts }))).toEqual([{ cohort: "2026-03-02", size: 2, counts: [1, 1, 1] }]);
    await expectSameAnswers(workspaceId, "Asia/Shanghai", query);
  });
});
