import { CreateWorkspaceBody, UpdateWorkspaceBody } from "@siyu/contracts";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import type { Actor, WorkspaceContext } from "../shared/context";
import { newId } from "../shared/ids";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2025-03-01T08:00:00Z");
const actor: Actor = { type: "operator", id: newId(), name: "Gao Yan" };

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

const ctxOf = (workspaceId: string): WorkspaceContext => ({ workspaceId, actor, storeIds: null, ip: "203.0.113.7" });

describe("workspaces", () => {
  it("creates a workspace in Asia/Shanghai and CNY unless told otherwise, and audits it", async () => {
    const workspace = await services.workspaces.create(CreateWorkspaceBody.parse({ name: "  Golden Dragon Tea  " }), actor, "203.0.113.7");
    expect(workspace).toMatchObject({
      name: "Golden Dragon Tea",
      timezone: "Asia/Shanghai",
      currency: "CNY",
      isDemo: false,
      createdAt: clock.now().toISOString(),
    });
    expect(workspace.slug).toMatch(/^golden-dragon-tea-[a-z0-9]{6}$/);
    expect(await services.workspaces.get(workspace.id)).toEqual(workspace);

    const { items } = await services.audit.list(ctxOf(workspace.id), { limit: 10 });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      action: "workspace.created",
      actorId: actor.id,
      targetId: workspace.id,
      after: { name: "Golden Dragon Tea", timezone: "Asia/Shanghai", currency: "CNY" },
      ip: "203.0.113.7",
    });
  });

  it("keeps the time zone and currency it is given", async () => {
    const workspace = await services.workspaces.create(
      CreateWorkspaceBody.parse({ name: "Harbour Bakery", timezone: "Asia/Hong_Kong", currency: "HKD" }),
      actor,
    );
    expect(workspace).toMatchObject({ timezone: "Asia/Hong_Kong", currency: "HKD" });
  });

  it("gives every workspace its own slug, even for the same or a non-Latin name", async () => {
    const a = await services.workspaces.create(CreateWorkspaceBody.parse({ name: "老街茶馆" }), actor);
    const b = await services.workspaces.create(CreateWorkspaceBody.parse({ name: "老街茶馆" }), actor);
    expect(a.slug).toMatch(/^ws-[a-z0-9]{6}$/);
    expect(a.slug).not.toBe(b.slug);
    expect((await services.workspaces.findBySlug(a.slug))?.id).toBe(a.id);
    expect(await services.workspaces.findBySlug("no-such-slug")).toBeNull();
  });

  it("refuses a slug that is taken (workspaces.slug_taken)", async () => {
    const slug = `brand-${newId().slice(-8)}`;
    await services.workspaces.create({ ...CreateWorkspaceBody.parse({ name: "First" }), slug }, actor);
    await expect(services.workspaces.create({ ...CreateWorkspaceBody.parse({ name: "Second" }), slug }, actor)).rejects.toMatchObject({
      code: "workspaces.slug_taken",
      status: 409,
    });
    expect((await services.workspaces.findBySlug(slug))?.name).toBe("First");
  });

  it("an unknown or malformed id is workspaces.not_found", async () => {
    await expect(services.workspaces.get(newId())).rejects.toMatchObject({ code: "workspaces.not_found", status: 404 });
    await expect(services.workspaces.get("nope")).rejects.toMatchObject({ code: "workspaces.not_found" });
  });

  it("getMany returns the workspaces asked for", async () => {
    const a = await services.workspaces.create(CreateWorkspaceBody.parse({ name: "A" }), actor);
    const b = await services.workspaces.create(CreateWorkspaceBody.parse({ name: "B" }), actor);
    expect((await services.workspaces.getMany([a.id, b.id, newId()])).map((w) => w.id).sort()).toEqual([a.id, b.id].sort());
    expect(await services.workspaces.getMany([])).toEqual([]);
  });

  it("updates the given settings and audits only what changed", async () => {
    const workspace = await services.workspaces.create(CreateWorkspaceBody.parse({ name: "Spicy Pot" }), actor);
    const ctx = ctxOf(workspace.id);
    const updated = await services.workspaces.update(ctx, UpdateWorkspaceBody.parse({ name: "Spicy Pot", currency: "USD" }));
    expect(updated).toMatchObject({ name: "Spicy Pot", currency: "USD", timezone: "Asia/Shanghai", slug: workspace.slug });
    expect(await services.workspaces.get(workspace.id)).toMatchObject({ currency: "USD", timezone: "Asia/Shanghai" });

    const { items } = await services.audit.list(ctx, { limit: 10, action: "workspace.updated" });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ before: { currency: "CNY" }, after: { currency: "USD" }, actorId: actor.id });
    expect(Object.keys(items[0]!.after ?? {})).toEqual(["currency"]);
  });

  it("leaves other workspaces alone when one is updated", async () => {
    const a = await services.workspaces.create(CreateWorkspaceBody.parse({ name: "Alpha" }), actor);
    const b = await services.workspaces.create(CreateWorkspaceBody.parse({ name: "Beta" }), actor);
    await services.workspaces.update(ctxOf(a.id), { name: "Alpha Prime" });
    expect((await services.workspaces.get(b.id)).name).toBe("Beta");
    expect((await services.audit.list(ctxOf(b.id), { limit: 10, action: "workspace.updated" })).items).toEqual([]);
  });
});
