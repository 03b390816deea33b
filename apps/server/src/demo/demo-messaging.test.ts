import { CreateWorkspaceBody } from "@siyu/contracts";
import { createCoreServices, DEFAULT_ACCESS_SETTINGS, enabledChannels, fixedClock, SYSTEM_ACTOR, systemContext } from "@siyu/core";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildTestApp } from "../testing/test-app";
import { DEMO_BROADCAST, DEMO_TEMPLATES, nextSaturdayMorning, seedDemoBroadcast, seedDemoMessaging } from "./demo-messaging";
import { defineDemoSegmentation } from "./demo-segmentation";
import { seedDemoWorkspace } from "./seed-demo";

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database?.close());

describe("demo messaging", () => {
  it("seeds the templates in both languages, each rendering with the variables it names, and switches the inbox on", async () => {
    const services = createCoreServices({ db: database.db, clock: fixedClock("2026-11-02T04:00:00Z"), settings: { access: DEFAULT_ACCESS_SETTINGS } });
    const ws = await services.workspaces.create(CreateWorkspaceBody.parse({ name: "茶饮" }), SYSTEM_ACTOR);
    const ctx = systemContext(ws.id);
    await seedDemoMessaging(services, ctx);
    const templates = await services.messaging.templates.list(ctx);
    expect(templates).toHaveLength(DEMO_TEMPLATES.length);
    expect([...(await enabledChannels(database.db, ws.id))]).toEqual(["inbox"]);
    const variables = { coupon: { code: "BACK-5", name: "¥5 回归券", expiresAt: "2026-11-30T15:59:59Z" }, event: { properties: { product_name: "杨枝甘露" } } };
    for (const t of templates) {
      expect(Object.keys(t.content).sort()).toEqual(["en", "zh-CN"]);
      for (const locale of ["zh-CN", "en"] as const) {
        const preview = await services.messaging.templates.preview(ctx, t.id, { locale, variables });
        expect(preview.rendered.subject, `${t.name} ${locale}`).not.toBe("");
        expect(preview.rendered.body).not.toMatch(/\{\{|\{%/);
      }
    }
    const recall = templates.find((t) => t.name.startsWith("沉睡召回"))!;
    expect((await services.messaging.templates.preview(ctx, recall.id, { variables })).rendered.body).toBe("送您一张 ¥5 回归券（券码 BACK-5），11月30日 前有效。");
  });
});

describe("demo broadcast", () => {
  it("10:00 local on the coming Saturday, a week on when today is Saturday", () => {
    // 2026-11-30 is a Monday; Shanghai is UTC+8.
    expect(nextSaturdayMorning(new Date("2026-11-30T01:00:00Z"), "Asia/Shanghai", 10).toISOString()).toBe("2026-12-05T02:00:00.000Z");
    // Saturday 2026-12-05 at 15:00 local: the next Saturday.
    expect(nextSaturdayMorning(new Date("2026-12-05T07:00:00Z"), "Asia/Shanghai", 10).toISOString()).toBe("2026-12-12T02:00:00.000Z");
    // Friday 23:30 local (15:30 UTC) is already Friday in Shanghai: the next morning.
    expect(nextSaturdayMorning(new Date("2026-12-04T15:30:00Z"), "Asia/Shanghai", 10).toISOString()).toBe("2026-12-05T02:00:00.000Z");
  });

  it("is scheduled to a demo segment with a demo template, as the bootstrap seeds it", async () => {
    const t = await buildTestApp();
    try {
      const { workspace } = await seedDemoWorkspace(t.services, { memberCount: 50 });
      await defineDemoSegmentation(t.services, workspace.id);
      const ctx = systemContext(workspace.id);
      const now = new Date();
      await seedDemoBroadcast(t.services, ctx, workspace.timezone, now);
      const [broadcast, ...more] = await t.services.broadcasts.list(ctx);
      expect(more).toEqual([]);
      const segment = (await t.services.segments.list(ctx)).find((s) => s.id === broadcast!.segmentId);
      const template = (await t.services.messaging.templates.list(ctx)).find((tpl) => tpl.id === broadcast!.templateId);
      expect(segment?.name).toBe(DEMO_BROADCAST.segment);
      expect(template?.name).toBe(DEMO_BROADCAST.template);
      expect(broadcast).toMatchObject({ name: DEMO_BROADCAST.name, status: "scheduled", channel: "inbox", queued: 0 });
      expect(new Date(broadcast!.nextAt!).getTime()).toBeGreaterThan(now.getTime());
    } finally {
      await t.close();
    }
  });
});
