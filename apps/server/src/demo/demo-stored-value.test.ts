import { systemContext } from "@siyu/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../testing/test-app";
import { seedDemoStoredValue } from "./demo-stored-value";
import { loadDemoEvents } from "./load-demo-events";
import { seedDemoWorkspace } from "./seed-demo";

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("the demo brand's stored value and cards", () => {
  it("has a bonus rule, top-ups, a 12-cup card with holders, and running it again changes nothing", { timeout: 240_000 }, async () => {
    const { workspace, brand } = await seedDemoWorkspace(t.services, { memberCount: 200 });
    await loadDemoEvents(t.services, workspace.id, brand, { now: new Date() });
    while ((await t.services.projectNextBatch()) > 0);
    const ctx = systemContext(workspace.id);
    const first = await seedDemoStoredValue(t.services, workspace.id, brand);
    expect(first.topUps).toBeGreaterThan(0);
    expect(first.cards).toBeGreaterThan(0);
    expect((await t.services.points.settings(workspace.id)).storedValue.bonusRules).toHaveLength(2);
    const cups = (await t.services.cards.listProducts(ctx)).find((p) => p.name === "12 杯鲜萃卡");
    expect(cups?.issuedCount).toBeGreaterThan(0);
    const report = await t.services.liability.report(ctx);
    expect(report.totals.storedValuePrincipalMinor).toBeGreaterThan(0);
    expect(report.totals.cardUses).toBeGreaterThan(0);

    expect(await seedDemoStoredValue(t.services, workspace.id, brand)).toEqual(first);
    expect((await t.services.liability.report(ctx)).totals).toEqual(report.totals);
    expect((await t.services.cards.listProducts(ctx)).length).toBe(2);
  });
});
