import { AttributionQuery, DEFAULT_FUNNEL_STEPS, FunnelQuery } from "@siyu/contracts";
import { drainWarehouse, systemContext } from "@siyu/core";
import { DEMO_CAMPAIGNS_BY_MONTH, DEMO_TOUCH_CHANNELS } from "@siyu/demo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp, type TestApp } from "../testing/test-app";
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

describe("the demo brand's segmentation", () => {
  it("is defined up front and computed from the loaded behaviour: tags, scores, CLV and segments all have members; attribution and the default funnel have the touches", async () => {
    const { workspace, brand } = await seedDemoWorkspace(t.services, { memberCount: 600 });
    await defineDemoSegmentation(t.services, workspace.id);
    const ctx = systemContext(workspace.id);
    // Before any behaviour: definitions exist, nobody is in them.
    expect((await t.services.segments.list(ctx)).map((s) => s.size ?? 0)).toEqual([0, 0, 0, 0, 0]);

    await loadDemoEvents(t.services, workspace.id, brand, { now: new Date() });
    while ((await t.services.projectNextBatch()) > 0);
    await drainWarehouse({ db: t.database.db, warehouse: t.warehouse });

    const runs = await computeDemoSegmentation(t.services, workspace.id, brand);
    // Every step runs, the CLV fit included: 600 members give it enough buyers and repeaters.
    expect(runs.filter((r) => !r.ok)).toEqual([]);

    const segments = await t.services.segments.list(ctx);
    const size = (name: string) => segments.find((s) => s.name === name)?.size ?? -1;
    expect(size("水果茶爱好者")).toBeGreaterThan(0);
    expect(size("沉睡待唤醒")).toBeGreaterThan(0);
    expect(size("新会员首周")).toBeGreaterThanOrEqual(0);

    // The demo's loyalty engagement: the 7-day new-member list and the honour title, judged by its rule.
    expect((await t.services.tasks.list(ctx)).map((task) => task.code)).toEqual(["new_profile", "new_first_order", "new_join_group", "new_share"]);
    expect((await t.services.badges.list(ctx)).map((b) => [b.code, b.lastEvaluatedAt !== null])).toEqual([["tea_lover_of_the_year", true]]);

    const { tags } = await t.services.tags.list(ctx);
    const holders = new Map(tags.map((tag) => [tag.name, tag.holders ?? 0]));
    expect(holders.get("KOC 种子用户")).toBeGreaterThan(0);
    // The spending-power scale splits buyers: the top level is the smallest of the three.
    expect(holders.get("高")).toBeGreaterThan(0);
    expect(holders.get("高")!).toBeLessThan(holders.get("低")!);

    // The marketing touches give attribution something to credit: every channel, each month's campaign.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const report = (dimension: "channel" | "campaign") =>
      t.services.attribution.report(ctx, AttributionQuery.parse({ from: day(-90), to: day(-1), dimension }));
    const byChannel = await report("channel");
    expect(byChannel.totals.attributedConversions).toBeGreaterThan(0);
    // The referral invitations' channel (properties.channel) is a touch too.
    expect(new Set(byChannel.rows.map((r) => r.key))).toEqual(new Set([...Object.keys(DEMO_TOUCH_CHANNELS), "wechat_friend"]));
    const byCampaign = await report("campaign");
    for (const row of byCampaign.rows) expect(DEMO_CAMPAIGNS_BY_MONTH).toContain(row.key);
    // And the default funnel a first step: every step reached by someone, fewer at each.
    const funnel = await t.services.explore.funnel(ctx, FunnelQuery.parse({ steps: DEFAULT_FUNNEL_STEPS, period: { from: day(-90), to: day(-1) } }));
    const counts = funnel.series.find((s) => s.group.kind === "all")!.steps.map((step) => step.count);
    expect(counts.every((n, i) => n > 0 && (i === 0 || n <= counts[i - 1]!)), counts.join(" → ")).toBe(true);
    // Some who view a product after a promotion leave without a cart.
    expect(counts[3], counts.join(" → ")).toBeLessThan(counts[2]!);

    // Running it again changes nobody's membership.
    const before = segments.map((s) => s.size);
    await computeDemoSegmentation(t.services, workspace.id, brand);
    expect((await t.services.segments.list(ctx)).map((s) => s.size)).toEqual(before);
  });
});
