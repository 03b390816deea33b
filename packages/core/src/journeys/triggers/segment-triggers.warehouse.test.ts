import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JourneyTrigger } from "@siyu/contracts";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { DEFAULT_ACCESS_SETTINGS } from "../../access";
import { createCoreServices, type CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { SYSTEM_ACTOR, type WorkspaceContext } from "../../shared/context";
import { newId } from "../../shared/ids";
import { drainWarehouse } from "../../warehouse";
import { runSegmentTriggers } from "./profile-change-triggers";
import type { TriggerDeps, TriggerEntry } from "./trigger-deps";

let database: TestDatabase;
let warehouse: Warehouse;
let services: CoreServices;
const clock = fixedClock("2026-11-01T08:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
  services = createCoreServices({ db: database.db, warehouse, clock, settings: { access: DEFAULT_ACCESS_SETTINGS } });
});
afterAll(async () => {
  await warehouse.close();
  await database.close();
});

let n = 0;
async function ingest(ctx: WorkspaceContext, messages: Record<string, unknown>[]) {
  const result = await services.ingest(
    ctx.workspaceId,
    messages.map((m) => ({ messageId: `st-${++n}`, timestamp: clock.now().toISOString(), ...m })),
  );
  expect(result.errors).toEqual([]);
  while ((await services.projectNextBatch(500)) > 0);
  await drainWarehouse({ db: database.db, warehouse });
}

describe("segment triggers through a real refresh", () => {
  it("the customers a refresh moves in (and out) enter the journeys once", async () => {
    const ws = await services.workspaces.create({ name: "Seg triggers", timezone: "Asia/Shanghai", currency: "CNY" }, SYSTEM_ACTOR);
    const ctx: WorkspaceContext = { workspaceId: ws.id, actor: SYSTEM_ACTOR, storeIds: null, ip: null };
    await ingest(ctx, [
      { type: "identify", userId: "u1", traits: { city: "上海" } },
      { type: "identify", userId: "u2", traits: { city: "北京" } },
    ]);
    const entered = { workspaceId: ws.id, journeyId: newId(), trigger: JourneyTrigger.parse({ kind: "segment_entered", segmentId: "00000000-0000-4000-8000-000000000000" }) };
    const exited = { workspaceId: ws.id, journeyId: newId(), trigger: JourneyTrigger.parse({ kind: "segment_exited", segmentId: "00000000-0000-4000-8000-000000000000" }) };
    const started: TriggerEntry[] = [];
    const deps: TriggerDeps = {
      liveJourneys: async (_tx, workspaceId, kinds) => [entered, exited].filter((j) => j.workspaceId === workspaceId && kinds.includes(j.trigger.kind)),
      start: async (_tx, _now, entries) => void started.push(...entries),
    };
    // The source's first run (it starts at the end of the log).
    expect(await runSegmentTriggers(database.db, clock, deps)).toBe(0);
    const segment = await services.segments.create(ctx, { name: "上海客户", rule: { type: "trait", trait: "city", op: "eq", value: "上海" } });
    // Published now, for this segment.
    entered.trigger = JourneyTrigger.parse({ kind: "segment_entered", segmentId: segment.id });
    exited.trigger = JourneyTrigger.parse({ kind: "segment_exited", segmentId: segment.id });
    // The creation's first refresh put u1 in.
    expect(await runSegmentTriggers(database.db, clock, deps)).toBe(1);
    expect(started[0]).toMatchObject({ journeyId: entered.journeyId, trigger: { kind: "segment_entered" } });
    const u1 = started[0]!.profileId;

    // u2 moves to Shanghai, u1 leaves: one entry each way, after the next refresh only.
    await ingest(ctx, [
      { type: "identify", userId: "u2", traits: { city: "上海" } },
      { type: "identify", userId: "u1", traits: { city: "杭州" } },
    ]);
    expect(await runSegmentTriggers(database.db, clock, deps)).toBe(0);
    clock.advance(60_000);
    await services.segments.refresh(ctx, segment.id);
    // An unchanged refresh adds nothing; the runs start once.
    await services.segments.refresh(ctx, segment.id);
    expect(await runSegmentTriggers(database.db, clock, deps)).toBe(2);
    expect(await runSegmentTriggers(database.db, clock, deps)).toBe(0);
    expect(started.slice(1).map((e) => [e.journeyId, e.trigger.kind])).toEqual(
      expect.arrayContaining([
        [entered.journeyId, "segment_entered"],
        [exited.journeyId, "segment_exited"],
      ]),
    );
    expect(started.find((e) => e.trigger.kind === "segment_exited")!.profileId).toBe(u1);
  });
});
