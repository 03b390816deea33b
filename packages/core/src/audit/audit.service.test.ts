import fc from "fast-check";
import { AuditListQuery, CreateStoreBody } from "@siyu/contracts";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { systemContext, type WorkspaceContext } from "../shared/context";
import { newId } from "../shared/ids";
import { diffFields } from "./audit.service";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2025-03-01T08:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  services = createCoreServices({
    db: database.db,
    clock,
    settings: { access: { ...DEFAULT_ACCESS_SETTINGS, passwordMemoryKiB: 1024, passwordPasses: 1 } },
  });
});
afterAll(async () => {
  await database?.close();
});

async function newWorkspace(): Promise<WorkspaceContext> {
  const workspace = await services.workspaces.create(
    { name: "Hotpot House", timezone: "Asia/Shanghai", currency: "CNY" },
    { type: "system", id: null, name: "setup" },
  );
  return { workspaceId: workspace.id, actor: { type: "operator", id: newId(), name: "Ma Tao" }, storeIds: null, ip: "203.0.113.7" };
}

function record(ctx: WorkspaceContext, action: string, targetId: string | null = null) {
  return services.audit.record(ctx, { action, targetType: "thing", targetId, summary: `did ${action}` });
}

function list(ctx: WorkspaceContext, query: Record<string, unknown> = {}) {
  return services.audit.list(ctx, AuditListQuery.parse({ limit: 200, ...query }));
}

describe("audit log", () => {
  it("records who did what, when and from where", async () => {
    const ctx = await newWorkspace();
    clock.advance(5_000);
    await services.audit.record(ctx, {
      action: "thing.changed",
      targetType: "thing",
      targetId: "t-1",
      summary: "Changed a thing",
      before: { colour: "red" },
      after: { colour: "blue" },
    });
    const [entry] = (await list(ctx, { action: "thing.changed" })).items;
    expect(entry).toEqual({
      id: expect.any(String),
      at: clock.now().toISOString(),
      actorType: "operator",
      actorId: ctx.actor.id,
      actorName: "Ma Tao",
      action: "thing.changed",
      targetType: "thing",
      targetId: "t-1",
      summary: "Changed a thing",
      before: { colour: "red" },
      after: { colour: "blue" },
      ip: "203.0.113.7",
    });
  });

  it("records the system as actor without an id", async () => {
    const ctx = await newWorkspace();
    await record(systemContext(ctx.workspaceId), "nightly.job");
    const [entry] = (await list(ctx, { action: "nightly.job" })).items;
    expect(entry).toMatchObject({ actorType: "system", actorId: null, actorName: "system", ip: null, before: null, after: null });
  });

  it("keeps each workspace's entries to itself", async () => {
    const mine = await newWorkspace();
    const theirs = await newWorkspace();
    await record(mine, "mine.only");
    await record(theirs, "theirs.only");
    const actions = (await list(mine)).items.map((e) => e.action);
    expect(actions).toContain("mine.only");
    expect(actions).not.toContain("theirs.only");
    expect((await list(theirs, { action: "mine.only" })).items).toEqual([]);
  });

  it("lists newest first and filters by action, target type and actor", async () => {
    const ctx = await newWorkspace();
    const other: WorkspaceContext = { ...ctx, actor: { type: "api_key", id: newId(), name: "ERP" } };
    await record(ctx, "a.first");
    await record(other, "b.second");
    await record(ctx, "a.first");
    await services.audit.record(ctx, { action: "c.third", targetType: "store", targetId: null, summary: "x" });
    const all = (await list(ctx)).items;
    expect(all.map((e) => e.action)).toEqual(["c.third", "a.first", "b.second", "a.first", "workspace.created"]);
    expect((await list(ctx, { action: "a.first" })).items).toHaveLength(2);
    expect((await list(ctx, { targetType: "store" })).items.map((e) => e.action)).toEqual(["c.third"]);
    expect((await list(ctx, { actorId: other.actor.id })).items.map((e) => e.action)).toEqual(["b.second"]);
  });

  it("pages through every entry exactly once, newest first, for any page size", async () => {
    const ctx = await newWorkspace();
    for (let i = 0; i < 17; i++) await record(ctx, "paged", String(i));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), async (limit) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await list(ctx, { action: "paged", limit, cursor });
          expect(page.items.length).toBeLessThanOrEqual(limit);
          seen.push(...page.items.map((e) => e.targetId ?? ""));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(seen).toEqual(Array.from({ length: 17 }, (_, i) => String(16 - i)));
      }),
      { numRuns: 10 },
    );
  });

  it("writes no entry for a failed change", async () => {
    const ctx = await newWorkspace();
    await services.stores.create(ctx, CreateStoreBody.parse({ code: "S1", name: "One", city: "Chengdu" }));
    const before = (await list(ctx)).items;
    await expect(
      services.stores.create(ctx, CreateStoreBody.parse({ code: "S1", name: "Again", city: "Chengdu" })),
    ).rejects.toMatchObject({ code: "stores.code_taken" });
    await expect(services.stores.update(ctx, newId(), { name: "Ghost" })).rejects.toMatchObject({ code: "stores.not_found" });
    expect((await list(ctx)).items).toEqual(before);
  });

  it("rolls an entry back with the transaction that wrote it", async () => {
    const ctx = await newWorkspace();
    const failure = new Error("something later in the flow failed");
    await expect(
      services.transaction(async (tx) => {
        await tx.stores.create(ctx, CreateStoreBody.parse({ code: "R1", name: "Rolled back", city: "Chengdu" }));
        expect((await tx.audit.list(ctx, AuditListQuery.parse({ action: "store.created" }))).items).toHaveLength(1);
        throw failure;
      }),
    ).rejects.toBe(failure);
    expect((await list(ctx, { action: "store.created" })).items).toEqual([]);
    expect((await services.stores.list(ctx, { limit: 10 })).items).toEqual([]);
  });
});

describe("diffFields", () => {
  it("keeps only the keys whose values differ, comparing arrays and objects by value", () => {
    const before = { name: "A", storeIds: ["x", "y"], city: "Chengdu", extra: 1 };
    const after = { name: "A", storeIds: ["x"], city: "Chongqing", extra: 2 };
    expect(diffFields(before, after, ["name", "storeIds", "city"])).toEqual({
      before: { storeIds: ["x", "y"], city: "Chengdu" },
      after: { storeIds: ["x"], city: "Chongqing" },
    });
    expect(diffFields(before, { ...before, storeIds: ["x", "y"] }, ["name", "storeIds"])).toEqual({ before: {}, after: {} });
  });
});
