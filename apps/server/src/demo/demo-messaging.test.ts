import { CreateWorkspaceBody } from "@siyu/contracts";
import { createCoreServices, DEFAULT_ACCESS_SETTINGS, enabledChannels, fixedClock, SYSTEM_ACTOR, systemContext } from "@siyu/core";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_TEMPLATES, seedDemoMessaging } from "./demo-messaging";

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
