import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { createCoreServices, type CoreServices } from "../services";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { fixedClock } from "../shared/clock";
import { SYSTEM_ACTOR, type WorkspaceContext } from "../shared/context";
import { splitProfileMerge } from "../flows";
import { DEFAULT_IDENTITY_SETTINGS } from "../identity";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-11-01T08:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  services = createCoreServices({ db: database.db, clock, settings: { access: DEFAULT_ACCESS_SETTINGS } });
});
afterAll(() => database.close());

async function newWorkspace(name = "Tea"): Promise<WorkspaceContext> {
  const ws = await services.workspaces.create({ name, timezone: "Asia/Shanghai", currency: "CNY" }, SYSTEM_ACTOR);
  return { workspaceId: ws.id, actor: SYSTEM_ACTOR, storeIds: null, ip: null };
}

async function drain() {
  while ((await services.projectNextBatch(500)) > 0);
}

let n = 0;
const at = (minute: number) => new Date(Date.parse("2026-10-01T00:00:00Z") + minute * 60_000).toISOString();
function msg(body: Record<string, unknown>, minute = n) {
  n += 1;
  return { messageId: `m-${n}`, timestamp: at(minute), ...body };
}

async function profilesOf(ctx: WorkspaceContext) {
  return (await services.profiles.list(ctx, { limit: 200 }, DEFAULT_IDENTITY_SETTINGS)).items;
}

describe("identity and profile projection", () => {
  it("builds one profile from identify traits and counts its events", async () => {
    const ctx = await newWorkspace();
    const result = await services.ingest(ctx.workspaceId, [
      msg({ type: "identify", userId: "u1", anonymousId: "a1", traits: { name: "李娜", phone: "138 0013 8000", city: "上海" } }),
      msg({ type: "track", anonymousId: "a1", event: "Product Viewed", properties: { sku: "T-1" } }),
      msg({ type: "track", userId: "u1", event: "Product Viewed", properties: { sku: "T-2" } }),
    ]);
    expect(result).toMatchObject({ accepted: 3, duplicates: 0, errors: [] });
    await drain();
    const [profile, ...rest] = await profilesOf(ctx);
    expect(rest).toEqual([]);
    expect(profile).toMatchObject({ name: "李娜", phone: "+8613800138000", eventCount: 3 });
    const full = await services.profiles.get(ctx, profile!.id);
    expect(full.traits).toMatchObject({ city: "上海" });
    expect(full.eventCounts).toEqual([expect.objectContaining({ event: "Product Viewed", count: 2 })]);
    const ids = await services.identity.identifiersOf(ctx, profile!.id);
    expect(ids.map((i) => `${i.type}:${i.value}`).sort()).toEqual(["anonymous_id:a1", "phone:+8613800138000", "user_id:u1"]);
  });

  it("merges a mini-program visitor and a WeCom contact by phone, and records the merge", async () => {
    const ctx = await newWorkspace();
    await services.ingest(ctx.workspaceId, [
      msg({ type: "track", anonymousId: "mp-1", event: "Page Viewed", context: { traits: { wechat_openid: "o-1", wechat_appid: "wxmini" } } }),
      msg({ type: "identify", anonymousId: "wc-anon", traits: { wecom_external_userid: "wm-1", name: "王芳" } }),
    ]);
    await drain();
    expect(await profilesOf(ctx)).toHaveLength(2);
    await services.ingest(ctx.workspaceId, [
      msg({ type: "identify", anonymousId: "mp-1", traits: { phone: "13900139000" } }),
      msg({ type: "identify", anonymousId: "wc-anon", traits: { phone: "+86 139 0013 9000" } }),
    ]);
    await drain();
    const [merged, ...rest] = await profilesOf(ctx);
    expect(rest).toEqual([]);
    expect(merged).toMatchObject({ name: "王芳", phone: "+8613900139000", eventCount: 4 });
    const merges = await services.identity.mergesOf(ctx, merged!.id);
    expect(merges).toHaveLength(1);
  });

  it("refuses a link that would give one person two phones and queues it as a conflict", async () => {
    const ctx = await newWorkspace();
    await services.ingest(ctx.workspaceId, [
      msg({ type: "identify", userId: "u-a", traits: { phone: "13700137000" } }),
      msg({ type: "identify", anonymousId: "dev-x", traits: { phone: "13600136000" } }),
    ]);
    await drain();
    await services.ingest(ctx.workspaceId, [msg({ type: "alias", previousId: "dev-x", anonymousId: "dev-x", userId: "u-a" })]);
    await drain();
    expect((await profilesOf(ctx)).map((p) => p.phone).sort()).toEqual(["+8613600136000", "+8613700137000"]);
    const conflicts = await services.identity.listConflicts(ctx, 10);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.reason).toBe("a profile may hold at most 1 phone");
    await services.identity.dismissConflict(ctx, conflicts[0]!.aId, conflicts[0]!.bId);
    expect(await services.identity.listConflicts(ctx, 10)).toEqual([]);
  });

  it("counts an order once per order id and reverses refunds", async () => {
    const ctx = await newWorkspace();
    const order = (id: string, total: number, minute: number) =>
      msg({ type: "track", userId: "buyer", event: "Order Completed", properties: { order_id: id, total, currency: "CNY" } }, minute);
    const first = order("o-1", 18.5, 1);
    await services.ingest(ctx.workspaceId, [first, order("o-2", 30, 2), order("o-2", 30, 3)]);
    await services.ingest(ctx.workspaceId, [first]);
    await services.ingest(ctx.workspaceId, [msg({ type: "track", userId: "buyer", event: "Order Refunded", properties: { order_id: "o-2" } }, 4)]);
    await drain();
    const [buyer] = await profilesOf(ctx);
    expect(buyer).toMatchObject({ orderCount: 1, totalSpendMinor: 1850 });
    const detail = await services.profiles.get(ctx, buyer!.id);
    expect(detail.recentOrders.map((o) => [o.orderId, o.status])).toEqual([
      ["o-2", "refunded"],
      ["o-1", "completed"],
    ]);
  });

  it("moves the buyer's spend when the refund arrives from someone else, in a later batch", async () => {
    const ctx = await newWorkspace();
    await services.ingest(ctx.workspaceId, [
      msg({ type: "track", userId: "buyer-2", event: "Order Completed", properties: { order_id: "o-9", total: 42, currency: "CNY" } }, 1),
    ]);
    await drain();
    expect(await profilesOf(ctx)).toMatchObject([{ orderCount: 1, totalSpendMinor: 4200 }]);
    // The store's service desk sends the refund: the event's own sender is another person.
    await services.ingest(ctx.workspaceId, [msg({ type: "track", anonymousId: "desk-1", event: "Order Refunded", properties: { order_id: "o-9" } }, 2)]);
    await drain();
    const numbers = (await profilesOf(ctx)).map((p) => ({ events: p.eventCount, orders: p.orderCount, spend: p.totalSpendMinor, lastOrderAt: p.lastOrderAt }));
    expect(numbers).toEqual([
      { events: 1, orders: 0, spend: 0, lastOrderAt: null },
      { events: 1, orders: 0, spend: 0, lastOrderAt: null },
    ]);
  });

  it("splits a wrong merge back into the profiles and numbers from before it", async () => {
    const ctx = await newWorkspace();
    await services.ingest(ctx.workspaceId, [
      msg({ type: "track", anonymousId: "kiosk-1", event: "Product Viewed" }),
      msg({ type: "track", anonymousId: "kiosk-1", event: "Product Viewed" }),
      msg({ type: "identify", userId: "member-9", traits: { name: "赵磊" } }),
    ]);
    await drain();
    const before = (await profilesOf(ctx)).map((p) => [p.id, p.eventCount]).sort();
    await services.ingest(ctx.workspaceId, [msg({ type: "identify", userId: "member-9", anonymousId: "kiosk-1" })]);
    await drain();
    const [merged] = await profilesOf(ctx);
    expect(merged!.eventCount).toBe(4);
    const [merge] = await services.identity.mergesOf(ctx, merged!.id);
    await splitProfileMerge(services, ctx, merge!.id);
    const after = (await profilesOf(ctx)).map((p) => [p.id, p.eventCount]).sort();
    // The same two profiles as before; the linking event belongs to the member's side.
    expect(after.map(([id]) => id)).toEqual(before.map(([id]) => id));
    expect(after.reduce((sum, [, c]) => sum + (c as number), 0)).toBe(4);
    // The split sticks: the same link arriving again does not merge them.
    await services.ingest(ctx.workspaceId, [msg({ type: "identify", userId: "member-9", anonymousId: "kiosk-1" })]);
    await drain();
    expect(await profilesOf(ctx)).toHaveLength(2);
    await expect(splitProfileMerge(services, ctx, merge!.id)).rejects.toMatchObject({ code: "identity.already_split" });
  });

  it("rejects bad messages per item, naming the field, and keeps the valid ones", async () => {
    const ctx = await newWorkspace();
    const result = await services.ingest(ctx.workspaceId, [
      msg({ type: "identify", userId: "ok-1" }),
      { type: "track", userId: "x" },
      { type: "identify", traits: {} },
      msg({ type: "identify", userId: "u", traits: { phone: "12" } }),
      msg({ type: "track", userId: "u", event: "Order Completed", properties: { total: 5 } }),
      { type: "track", userId: "u", event: "E", timestamp: "2099-01-01T00:00:00Z" },
      { type: "track", userId: "u", event: "E", properties: { blob: "x".repeat(40_000) } },
    ]);
    expect(result.accepted).toBe(1);
    expect(result.errors.map((e) => [e.index, e.path])).toEqual([
      [1, "event"],
      [2, "userId"],
      [3, "traits.phone"],
      [4, "properties.order_id"],
      [5, "timestamp"],
      [6, "properties"],
    ]);
  });
});

describe("order independence (property)", () => {
  const ids = ["u1", "u2"];
  const anons = ["a1", "a2", "a3"];
  const phones = ["13800000001", "13800000002"];
  const sender = { userId: fc.option(fc.constantFrom(...ids), { nil: undefined }), anonymousId: fc.constantFrom(...anons) };
  const call = fc.oneof(
    fc.record({
      type: fc.constant("identify"),
      userId: fc.constantFrom(...ids),
      anonymousId: fc.constantFrom(...anons),
      phone: fc.option(fc.constantFrom(...phones), { nil: undefined }),
      name: fc.option(fc.constantFrom("李娜", "王芳"), { nil: undefined }),
    }),
    fc.record({ type: fc.constant("alias"), userId: fc.constantFrom(...ids), previousId: fc.constantFrom(...anons) }),
    fc.record({ type: fc.constant("track"), anonymousId: fc.constantFrom(...anons) }),
    fc.record({ type: fc.constant("order"), ...sender, total: fc.integer({ min: 1, max: 500 }) }),
  );

  function toMessage(c: Record<string, unknown>, i: number) {
    const base = { messageId: `p-${i}`, timestamp: at(i) };
    if (c.type === "identify") {
      const traits = { ...(c.phone ? { phone: c.phone } : {}), ...(c.name ? { name: c.name } : {}) };
      return { ...base, type: "identify", userId: c.userId, anonymousId: c.anonymousId, traits };
    }
    if (c.type === "alias") return { ...base, type: "alias", userId: c.userId, previousId: c.previousId, anonymousId: c.previousId };
    if (c.type === "order") {
      const properties = { order_id: `o-${i}`, total: c.total, currency: "CNY" };
      return { ...base, type: "track", userId: c.userId, anonymousId: c.anonymousId, event: "Order Completed", properties };
    }
    // A refund names an earlier message's order (a refund before its order is a batching matter of its own).
    if (c.type === "refund") {
      return { ...base, type: "track", anonymousId: c.anonymousId, event: "Order Refunded", properties: { order_id: `o-${i === 0 ? "none" : (c.order as number) % i}` } };
    }
    return { ...base, type: "track", anonymousId: c.anonymousId, event: "Tapped" };
  }

  async function shapesOf(ctx: WorkspaceContext) {
    const shapes = [];
    for (const p of await profilesOf(ctx)) {
      const members = await services.identity.identifiersOf(ctx, p.id);
      const { id: _id, ...numbers } = p;
      shapes.push(`${members.map((m) => `${m.type}:${m.value}`).sort().join(",")}#${JSON.stringify(numbers)}`);
    }
    return shapes.sort();
  }

  async function outcome(messages: object[], batch: number) {
    const ctx = await newWorkspace("Order test");
    for (let i = 0; i < messages.length; i += batch) {
      await services.ingest(ctx.workspaceId, messages.slice(i, i + batch));
      await drain();
    }
    return { ctx, shapes: await shapesOf(ctx) };
  }

  it("gives the same people, numbers and traits whatever order and batching the same calls arrive in", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(call, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), async (calls, b1, b2) => {
        const messages = calls.map(toMessage);
        const reversed = [...messages].reverse();
        expect((await outcome(reversed, b2)).shapes).toEqual((await outcome(messages, b1)).shapes);
      }),
      { numRuns: 80 },
    );
  });

  it("keeps every profile's numbers equal to its identifiers' facts, refunds from anyone included", async () => {
    const withRefunds = fc.oneof(call, fc.record({ type: fc.constant("refund"), anonymousId: fc.constantFrom(...anons), order: fc.nat({ max: 11 }) }));
    await fc.assert(
      fc.asyncProperty(fc.array(withRefunds, { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), async (calls, b1, b2) => {
        const messages = calls.map(toMessage);
        const first = await outcome(messages, b1);
        expect((await outcome(messages, b2)).shapes).toEqual(first.shapes);
        // Recomputing every profile from its identifiers' facts changes nothing.
        const live = (await profilesOf(first.ctx)).map((p) => p.id);
        await services.profiles.refresh(first.ctx.workspaceId, { affectedProfiles: live, liveProfiles: live, absorbed: [] });
        expect(await shapesOf(first.ctx)).toEqual(first.shapes);
      }),
      { numRuns: 60 },
    );
  });
});

describe("split (property)", () => {
  const side = (prefix: string) =>
    fc.array(
      fc.record({
        anon: fc.constant(`${prefix}-a1`),
        device: fc.option(fc.constantFrom(`${prefix}-d1`, `${prefix}-d2`), { nil: undefined }),
        // Only one side has a phone, so the merge never breaks the one-phone rule.
        phone: prefix === "x" ? fc.option(fc.constant("13800000011"), { nil: undefined }) : fc.constant(undefined),
        event: fc.constantFrom("Product Viewed", "Page Viewed", "Checked In"),
      }),
      { minLength: 1, maxLength: 6 },
    );

  async function shapes(ctx: WorkspaceContext) {
    const out = [];
    for (const p of await profilesOf(ctx)) {
      const members = await services.identity.identifiersOf(ctx, p.id);
      out.push({ id: p.id, ids: members.map((m) => `${m.type}:${m.value}`).sort().join(","), events: p.eventCount });
    }
    return out.sort((a, b) => a.ids.localeCompare(b.ids));
  }

  it("gives back the profiles from before the merge, with their events, and keeps them apart", async () => {
    await fc.assert(
      fc.asyncProperty(side("x"), side("y"), async (xs, ys) => {
        const ctx = await newWorkspace("Split test");
        const calls = [...xs, ...ys].map((c, i) => ({
          type: "track",
          messageId: `s-${i}`,
          timestamp: at(i),
          anonymousId: c.anon,
          context: { ...(c.phone ? { traits: { phone: c.phone } } : {}), ...(c.device ? { device: { id: c.device } } : {}) },
          event: c.event,
        }));
        await services.ingest(ctx.workspaceId, calls);
        await drain();
        const before = await shapes(ctx);
        // Later events link the two sides through one member id: they become one person.
        await services.ingest(ctx.workspaceId, [{ type: "alias", messageId: "s-link-1", timestamp: at(100), anonymousId: ys[0]!.anon, previousId: ys[0]!.anon, userId: "zz-joined" }]);
        await services.ingest(ctx.workspaceId, [{ type: "identify", messageId: "s-link-2", timestamp: at(101), userId: "zz-joined", anonymousId: xs[0]!.anon }]);
        await services.ingest(ctx.workspaceId, [{ type: "track", messageId: "s-link-3", timestamp: at(102), userId: "zz-joined", event: "Order Completed", properties: { order_id: "o", total: 1 } }]);
        await drain();
        const merged = await profilesOf(ctx);
        expect(merged).toHaveLength(1);
        const merges = await services.identity.mergesOf(ctx, merged[0]!.id);
        for (const merge of merges) await splitProfileMerge(services, ctx, merge.id);
        const after = await shapes(ctx);
        // Every profile from before is back, with its own identifiers and at least its own events.
        for (const old of before) {
          const back = after.find((p) => p.id === old.id);
          expect(back, `profile ${old.ids} is back`).toBeTruthy();
          expect(back!.ids.split(",").filter((id) => old.ids.includes(id))).toEqual(old.ids.split(","));
          expect(back!.events).toBeGreaterThanOrEqual(old.events);
        }
        expect(after.reduce((n, p) => n + p.events, 0)).toBe(before.reduce((n, p) => n + p.events, 0) + 3);
      }),
      { numRuns: 15 },
    );
  });
});
