import { sql } from "@siyu/storage/orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../testing/test-app";
import { loadDemoEvents } from "./load-demo-events";
import { seedDemoWorkspace } from "./seed-demo";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("the demo brand's check-ins and activity rules", () => {
  it("turns the simulator's Checked In and Product Shared events into check-ins and points", async () => {
    const { workspace, brand } = await seedDemoWorkspace(t.services, { memberCount: 150 });
    await loadDemoEvents(t.services, workspace.id, brand, { now: new Date() });
    const loaded = performance.now();
    while ((await t.services.projectNextBatch()) > 0);
    console.log(`demo: projected in ${Math.round(performance.now() - loaded)} ms`);
    const started = performance.now();
    let events = 0;
    for (let n; (n = await t.services.loyaltyActivitiesNextBatch()) > 0; ) events += n;
    const ms = performance.now() - started;
    const [r] = (
      (await t.database.db.execute(sql`
        select (select count(*)::int from check_ins where workspace_id = ${workspace.id}::uuid) as check_ins,
               (select count(*)::int from activity_awards where workspace_id = ${workspace.id}::uuid and rule_code = 'share') as shares,
               (select count(*)::int from events_log where workspace_id = ${workspace.id}::uuid and event = 'Checked In') as checked_in_events,
               (select coalesce(sum(delta), 0)::int from points_entries where workspace_id = ${workspace.id}::uuid and source in ('check_in', 'activity')) as points`)) as unknown as {
        rows: { check_ins: number; shares: number; checked_in_events: number; points: number }[];
      }
    ).rows;
    console.log(`demo: ${events} events through loyalty.activities in ${Math.round(ms)} ms; ${r!.check_ins} check-ins, ${r!.shares} share awards, ${r!.points} points`);
    expect(r!.check_ins).toBeGreaterThan(0);
    // A member checks in once a local day, however many Checked In events that day.
    expect(r!.check_ins).toBeLessThanOrEqual(r!.checked_in_events);
    expect(r!.shares).toBeGreaterThan(0);
    expect(r!.points).toBeGreaterThan(0);
  }, 300_000);
});
