import { openWarehouse, type Warehouse } from "@siyu/storage";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { systemContext } from "../shared/context";
import { edge, fakeTemplates, liveJourney, newProfile, newWorkspace, node, runsOf, stepsOf } from "./journeys.test-helpers";

let database: TestDatabase;
let warehouse: Warehouse;
let services: CoreServices;
const clock = fixedClock("2026-07-08T04:00:00Z");
const templates = fakeTemplates();
const UNKNOWN = "0190a000-0000-7000-8000-000000000000";

beforeAll(async () => {
  database = await openTestDatabase();
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
  services = createCoreServices({ db: database.db, warehouse, clock, settings: { access: { ...DEFAULT_ACCESS_SETTINGS, passwordMemoryKiB: 1024, passwordPasses: 1 } }, journeyTemplates: templates.lookup });
});
afterAll(async () => {
  await warehouse?.close();
  await database?.close();
});

async function problemsOf(ws: string, nodes: Parameters<typeof liveJourney>[2], edges: Parameters<typeof liveJourney>[3]) {
  const ctx = systemContext(ws);
  const j = await services.journeys.create(ctx, { name: "Check", graph: { nodes, edges } });
  const { problems } = await services.journeys.validate(ctx, j.id);
  await expect(services.journeys.publish(ctx, j.id)).rejects.toMatchObject({ code: "journeys.invalid_graph", status: 422, details: { problems } });
  return problems.map((p) => `${p.code}@${p.nodeId}`);
}

describe("journeys service (publish checks against templates, channels and references)", () => {
  it("refuses missing templates, template variables without their source, disabled channels, unknown references", async () => {
    const ws = await newWorkspace(services);
    const withCoupon = templates.add("sms", ["coupon.code"]);
    const withEvent = templates.add("sms", ["event.properties.sku"]);
    const email = templates.add("email");
    const send = (id: string, templateId: string, channel = "sms") => node.action(id, { kind: "send", channel, templateId, category: "targeted" });
    expect(await problemsOf(ws, [node.api(), send("s", UNKNOWN), node.exit()], [edge("t", "s"), edge("s", "end")])).toEqual([`missing_template@s`]);
    // coupon.* needs an issue_coupon on every path; event.* needs an event (or api) trigger.
    const seg = { ...node.api(), trigger: { kind: "segment_entered", segmentId: UNKNOWN } } as never;
    expect(await problemsOf(ws, [seg, send("s", withCoupon), send("e", withEvent), node.exit()], [edge("t", "s"), edge("s", "e"), edge("e", "end")])).toEqual([
      `unknown_reference@t`,
      `template_variable@s`,
      `template_variable@e`,
    ]);
    expect(await problemsOf(ws, [node.api(), send("m", email, "email"), node.exit()], [edge("t", "m"), edge("m", "end")])).toEqual([`channel_disabled@m`]);
    expect(
      await problemsOf(
        ws,
        [node.api(), node.action("c", { kind: "issue_coupon", templateId: UNKNOWN }), node.condition("h", { kind: "coupon_held", templateId: UNKNOWN }), node.action("r", { kind: "remove_tag", tagId: UNKNOWN }), node.exit(), node.exit("x")],
        [edge("t", "c"), edge("c", "h"), edge("h", "r", "yes"), edge("h", "x", "no"), edge("r", "end")],
      ),
    ).toEqual([`unknown_reference@r`, `unknown_reference@h`]);
    templates.enabled.delete("webhook");
    expect(await problemsOf(ws, [node.api(), node.action("w", { kind: "webhook", url: "https://example.com/h" }), node.exit()], [edge("t", "w"), edge("w", "end")])).toEqual([`channel_disabled@w`]);
    templates.enabled.add("webhook");
    // With the coupon issued on the way, the same template publishes.
    const ctx = systemContext(ws);
    const coupon = await services.coupons.createTemplate(ctx, { name: "¥10", kind: "fixed", amountMinor: 1000, validity: { kind: "relative", days: 7 } });
    const ok = await services.journeys.create(ctx, {
      name: "OK",
      graph: { nodes: [node.api(), node.action("c", { kind: "issue_coupon", templateId: coupon.id }), send("s", withCoupon), node.exit()], edges: [edge("t", "c"), edge("c", "s"), edge("s", "end")] },
    });
    expect((await services.journeys.publish(ctx, ok.id)).status).toBe("live");
  });

  it("rule conditions and the audience are judged by the segments module for this one customer", async () => {
    const ws = await newWorkspace(services);
    const [vip, plain, outsider] = [await newProfile(database.db, ws, { vip: true, city: "上海" }), await newProfile(database.db, ws, { vip: false, city: "上海" }), await newProfile(database.db, ws, { vip: true, city: "北京" })];
    expect(await services.segments.matchProfiles(ws, { type: "trait", trait: "vip", op: "eq", value: true }, [vip, plain])).toEqual(new Set([vip]));
    const id = await liveJourney(
      services,
      ws,
      [node.api(), node.condition("c", { kind: "rule", rule: { type: "trait", trait: "vip", op: "eq", value: true } }), node.exit("yes"), node.exit("no")],
      [edge("t", "c"), edge("c", "yes", "yes"), edge("c", "no", "no")],
      { audience: { type: "trait", trait: "city", op: "eq", value: "上海" } },
    );
    await services.journeys.enter(systemContext(ws), id, { entries: [vip, plain, outsider].map((profileId) => ({ profileId, idempotencyKey: profileId, variables: {} })) });
    const runs = await runsOf(database.db, id);
    expect(runs.map((r) => [r.profile_id, r.current_node_id]).sort()).toEqual(
      [
        [vip, "yes"],
        [plain, "no"],
      ].sort(),
    );
    expect(await stepsOf(database.db, runs.find((r) => r.profile_id === vip)!.id)).toEqual(["t:entered", "c:yes", "yes:exit"]);
  });
});
