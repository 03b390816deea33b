import { drainWarehouse, systemContext } from "@siyu/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../testing/test-app";
import { seedDemoCoupons } from "./demo-coupons";
import { defineDemoJourneys } from "./demo-journeys";
import { computeDemoSegmentation, defineDemoSegmentation } from "./demo-segmentation";
import { loadDemoEvents } from "./load-demo-events";
import { seedDemoWorkspace } from "./seed-demo";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("the demo brand's coupons", () => {
  it("sends the come-back coupon to the dormant segment and exchanges points for vouchers; running it again changes nothing", { timeout: 300_000 }, async () => {
    // As the first start builds it: the segments and journeys (whose come-back coupon template this sends) before the behaviour.
    const { workspace, brand } = await seedDemoWorkspace(t.services, { memberCount: 400 });
    await defineDemoSegmentation(t.services, workspace.id);
    await defineDemoJourneys(t.services, workspace.id);
    await loadDemoEvents(t.services, workspace.id, brand, { now: new Date() });
    while ((await t.services.projectNextBatch()) > 0);
    while ((await t.services.loyaltyNextBatch()) > 0);
    while ((await t.services.loyaltyActivitiesNextBatch()) > 0);
    await drainWarehouse({ db: t.database.db, warehouse: t.warehouse });
    await computeDemoSegmentation(t.services, workspace.id, brand);
    const ctx = systemContext(workspace.id);

    const first = await seedDemoCoupons(t.services, workspace.id, brand);
    const dormant = (await t.services.segments.list(ctx)).find((s) => s.name === "沉睡待唤醒")!;
    expect(dormant.size).toBeGreaterThan(0);
    expect(first.issued).toBe(dormant.size);
    expect(first.exchanged).toBeGreaterThan(0);
    const templates = async () => Object.fromEntries((await t.services.coupons.listTemplates(ctx)).map((x) => [x.name, x.issuedCount]));
    const issued = await templates();
    expect(issued["回归券 ¥5 Come back"]).toBe(first.issued);
    expect(issued["¥10 代金券 (¥10 off)"]).toBe(first.exchanged);
    const redemptions = (await t.services.catalogue.listRedemptions(ctx, { limit: 200 })).items;
    expect(redemptions).toHaveLength(first.exchanged);
    // What the brand now owes in coupons: ¥5 a come-back coupon, ¥10 a voucher.
    expect((await t.services.liability.report(ctx)).totals.couponsFaceValueMinor).toBe(first.issued * 500 + first.exchanged * 1_000);

    await seedDemoCoupons(t.services, workspace.id, brand);
    expect(await templates()).toEqual(issued);
    expect((await t.services.catalogue.listRedemptions(ctx, { limit: 200 })).items).toHaveLength(first.exchanged);
  });
});
