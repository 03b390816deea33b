import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import type { SegmentRule } from "@siyu/contracts";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { readProfileEventsAfter } from "../profile-events";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { SYSTEM_ACTOR, type WorkspaceContext } from "../shared/context";
import { drainWarehouse } from "../warehouse";
import { DomainError } from "../shared/domain-error";

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

async function newWorkspace(name = "Tea"): Promise<WorkspaceContext> {
  const ws = await services.workspaces.create({ name, timezone: "Asia/Shanghai", currency: "CNY" }, SYSTEM_ACTOR);
  return { workspaceId: ws.id, actor: SYSTEM_ACTOR, storeIds: null, ip: null };
}

let n = 0;
function msg(body: Record<string, unknown>, daysAgo = 1) {
  n += 1;
  return { messageId: `seg-${n}`, timestamp: new Date(clock.now().getTime() - daysAgo * 86_400_000).toISOString(), ...body };
}

/** Ingest, project, load the warehouse: what the worker does between a customer's action and a segment seeing it. */
async function ingest(ctx: WorkspaceContext, messages: Record<string, unknown>[]) {
  const result = await services.ingest(ctx.workspaceId, messages);
  expect(result.errors).toEqual([]);
  while ((await services.projectNextBatch(500)) > 0);
  await drainWarehouse({ db: database.db, warehouse });
}

async function problemsOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe("segments.invalid_rule");
  return ((error as DomainError).details as { problems: { path: (string | number)[]; message: string }[] }).problems;
}

const shanghai: SegmentRule = { type: "trait", trait: "city", op: "eq", value: "上海" };

describe("segments", () => {
  it("computes membership at creation, and moves customers in and out on refresh with profile events", async () => {
    const ctx = await newWorkspace();
    await ingest(ctx, [
      msg({ type: "identify", userId: "u1", traits: { name: "李娜", phone: "13800138000", city: "上海", email: "lina@example.cn" } }),
      msg({ type: "identify", userId: "u2", traits: { name: "王芳", phone: "13900139000", city: "北京" } }),
      msg({ type: "track", userId: "u1", event: "Order Completed", properties: { order_id: "o1", total: 199, currency: "CNY", store_id: "s1" } }),
    ]);
    const [{ maxSeq = 0 } = {}] = ((await database.db.execute(sql`select coalesce(max(seq), 0)::int as "maxSeq" from profile_events`)) as unknown as { rows: { maxSeq: number }[] }).rows;

    const created = await services.segments.create(ctx, { name: "上海客户", rule: shanghai });
    expect(created).toMatchObject({ name: "上海客户", size: 1, refreshEveryMinutes: 60, rule: shanghai });
    expect(created.sizeTrend).toHaveLength(1);
    const members = await services.segments.members(ctx, created.id, { limit: 10 }, { pii: true });
    expect(members.items.map((m) => m.name)).toEqual(["李娜"]);

    // 王芳 moves to 上海, 李娜 leaves.
    await ingest(ctx, [
      msg({ type: "identify", userId: "u2", traits: { city: "上海" } }, 0),
      msg({ type: "identify", userId: "u1", traits: { city: "杭州" } }, 0),
    ]);
    clock.advance(60_000);
    expect(await services.segments.refresh(ctx, created.id)).toEqual({ size: 1, entered: 1, exited: 1 });
    const events = (await readProfileEventsAfter(database.db, maxSeq, 100)).filter((e) => e.workspaceId === ctx.workspaceId);
    expect(events.map((e) => [e.kind, e.payload.segmentName])).toEqual([
      ["segment.entered", "上海客户"],
      ["segment.entered", "上海客户"],
      ["segment.exited", "上海客户"],
    ]);
    const history = await services.segments.history(ctx, created.id);
    expect(history.items.map((h) => [h.size, h.entered, h.exited])).toEqual([
      [1, 1, 0],
      [1, 1, 1],
    ]);
    // A refresh with nothing changed emits nothing.
    expect(await services.segments.refresh(ctx, created.id)).toEqual({ size: 1, entered: 0, exited: 0 });

    // Preview agrees with refresh, and masks personal data without customers.pii.
    const preview = await services.segments.preview(ctx, shanghai, 10, { pii: false });
    expect(preview.count).toBe(1);
    expect(preview.sample[0]).toMatchObject({ name: "王*", phone: "+86139****9000" });
    expect(await services.segments.countRule(ctx.workspaceId, shanghai)).toBe(1);

    const lines: string[] = [];
    for await (const chunk of services.segments.exportCsv(ctx, created.id, { pii: false })) lines.push(chunk);
    expect(lines.join("").trim().split("\n")).toEqual([
      "profile_id,name,phone,email,city,order_count,total_spend,last_order_at",
      `${preview.sample[0]!.id},王*,+86139****9000,,上海,0,0.00,`,
    ]);

    const { items: audit } = await services.audit.list(ctx, { limit: 10 });
    expect(audit.map((a) => a.action)).toContain("segment.created");

    // Deleting the segment lets its members go with an exit each, like a refresh would.
    const beforeDelete = (await readProfileEventsAfter(database.db, maxSeq, 1000)).at(-1)!.seq;
    await services.segments.remove(ctx, created.id);
    const exits = (await readProfileEventsAfter(database.db, beforeDelete, 100)).filter((e) => e.workspaceId === ctx.workspaceId);
    expect(exits.map((e) => [e.kind, e.profileId, e.payload.reason])).toEqual([["segment.exited", preview.sample[0]!.id, "segment_deleted"]]);
  });

  it("evaluates store, event and segment-reference rules the same way for every consumer", async () => {
    const ctx = await newWorkspace();
    await ingest(ctx, [
      msg({ type: "identify", userId: "a", traits: { name: "A", registration_store: "s9" } }),
      msg({ type: "identify", userId: "b", traits: { name: "B" } }),
      msg({ type: "track", userId: "a", event: "Order Completed", properties: { order_id: "a1", total: 50, currency: "CNY", store_id: "s1" } }, 3),
      msg({ type: "track", userId: "a", event: "Order Completed", properties: { order_id: "a2", total: 70, currency: "CNY", store_id: "s2" } }, 40),
      msg({ type: "track", userId: "b", event: "Order Completed", properties: { order_id: "b1", total: 500, currency: "CNY", store_id: "s2" } }, 2),
    ]);
    const buyers = await services.segments.create(ctx, {
      name: "Recent buyers",
      rule: { type: "event", event: "Order Completed", measure: { kind: "count" }, op: "gte", value: 1, window: { kind: "in_last_days", days: 30 } },
    });
    const big = await services.segments.create(ctx, {
      name: "Big recent buyers",
      rule: {
        type: "and",
        rules: [
          { type: "segment", segmentId: buyers.id },
          { type: "event", event: "Order Completed", measure: { kind: "sum", property: "revenue" }, op: "gt", value: 100, window: { kind: "ever" } },
          { type: "not", rule: { type: "store", storeIds: ["s9"], relation: "registered" } },
        ],
      },
    });
    expect([buyers.size, big.size]).toEqual([2, 1]);
    const [b] = (await services.segments.members(ctx, big.id, { limit: 5 }, { pii: true })).items;
    expect(b?.name).toBe("B");

    // Changing the referenced segment moves the referencing one at once.
    await services.segments.update(ctx, buyers.id, { rule: { type: "event", event: "Order Completed", measure: { kind: "count" }, op: "gte", value: 1, window: { kind: "in_last_days", days: 1 } } });
    expect((await services.segments.get(ctx, big.id)).size).toBe(0);

    // Deleting a referenced segment is refused, naming who uses it.
    const refused = await services.segments.remove(ctx, buyers.id).catch((e: DomainError) => e);
    expect(refused).toMatchObject({ code: "segments.in_use", status: 409, details: { segments: [{ id: big.id, name: "Big recent buyers" }] } });

    // Making the reference cyclic is refused with the path of the reference.
    const problems = await problemsOf(services.segments.update(ctx, buyers.id, { rule: { type: "or", rules: [{ type: "segment", segmentId: big.id }] } }));
    expect(problems).toEqual([{ path: ["rules", 0, "segmentId"], message: expect.stringContaining("cycle") }]);

    await services.segments.remove(ctx, big.id);
    await services.segments.remove(ctx, buyers.id);
    expect(await services.segments.list(ctx)).toEqual([]);
  });

  it("names the path of every problem in a bad rule tree", async () => {
    const ctx = await newWorkspace();
    const problems = await problemsOf(
      services.segments.preview(
        ctx,
        {
          type: "and",
          rules: [
            { type: "trait", trait: "favourite_colour", op: "eq", value: "red" },
            { type: "trait", trait: "order_count", op: "contains", value: "3" },
            { type: "not", rule: { type: "event", event: "App Opened", measure: { kind: "count" }, op: "gte", value: 1, window: { kind: "in_last_days", days: -7 } } },
            { type: "trait", trait: "city", op: "in", value: "上海" },
            { type: "rfm" },
            { type: "segment", segmentId: "0190a000-0000-7000-8000-0000000000ff" },
          ],
        },
        10,
        { pii: true },
      ),
    );
    expect(problems.map((p) => p.path)).toEqual([
      ["rules", 0, "trait"],
      ["rules", 1, "op"],
      ["rules", 2, "rule", "window", "days"],
      ["rules", 3, "value"],
      ["rules", 4],
      ["rules", 5, "segmentId"],
    ]);
    // Shape errors (zod) come back the same way.
    const shape = await problemsOf(services.segments.validate(ctx, { type: "or", rules: [{ type: "trait", trait: "city" }] }));
    expect(shape[0]?.path.slice(0, 2)).toEqual(["rules", 0]);
  });

  it("lists custom traits with their dominant type, and the events seen lately with their properties", async () => {
    const ctx = await newWorkspace();
    await ingest(ctx, [
      msg({ type: "identify", userId: "c1", traits: { points: 10, member_since: "2024-05-01", vip: true, tier: "gold" } }),
      msg({ type: "identify", userId: "c2", traits: { points: 20, member_since: "2023-01-01", tier: "silver" } }),
      msg({ type: "track", userId: "c1", event: "Product Viewed", properties: { sku: "molly", price: 59 } }),
      msg({ type: "track", userId: "c1", event: "Product Viewed", properties: { sku: "labubu" } }),
      msg({ type: "track", userId: "c2", event: "App Opened" }, 200),
    ]);
    await services.segments.create(ctx, { name: "Gold", rule: { type: "trait", trait: "tier", op: "eq", value: "gold" } });
    const catalogue = await services.segments.catalogue(ctx);
    const custom = Object.fromEntries(catalogue.traits.filter((t) => t.source === "custom").map((t) => [t.key, t.type]));
    expect(custom).toMatchObject({ points: "number", member_since: "date", vip: "boolean", tier: "string" });
    expect(catalogue.traits.find((t) => t.key === "total_spend")).toMatchObject({ type: "number", source: "builtin" });
    expect(catalogue.events).toEqual([{ name: "Product Viewed", count: 2, properties: ["sku", "price"] }]);
  });

  it("refreshes segments whose interval has passed", async () => {
    const ctx = await newWorkspace();
    await ingest(ctx, [msg({ type: "identify", userId: "d1", traits: { name: "D", city: "上海" } })]);
    const s = await services.segments.create(ctx, { name: "Due", rule: shanghai, refreshEveryMinutes: 30 });
    await services.segments.refreshDue();
    expect((await services.segments.history(ctx, s.id)).items).toHaveLength(1);
    clock.advance(31 * 60_000);
    await services.segments.refreshDue();
    expect((await services.segments.history(ctx, s.id)).items).toHaveLength(2);
  });
});
