import { CreateWorkspaceBody } from "@siyu/contracts";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { systemContext } from "../shared/context";
import { newId } from "../shared/ids";
import { createWorkspaceWithOwner } from "./create-workspace.flow";
import { loadMe } from "./load-me.flow";

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

let seq = 0;
function newOperator(name: string) {
  seq += 1;
  return services.access.createOperator({ email: `flow${seq}@brand.example`, name, password: "correct horse battery" });
}

describe("createWorkspaceWithOwner", () => {
  it("makes the creator the workspace's owner and audits both steps as the creator", async () => {
    const owner = await newOperator("Founder");
    const workspace = await createWorkspaceWithOwner(services, CreateWorkspaceBody.parse({ name: "Bubble Tea" }), owner, "203.0.113.7");
    expect(workspace).toMatchObject({ name: "Bubble Tea", timezone: "Asia/Shanghai", currency: "CNY" });
    expect(await services.access.getMembership(owner.id, workspace.id)).toEqual({
      workspaceId: workspace.id,
      operatorId: owner.id,
      role: "owner",
      storeIds: [],
    });
    const ctx = systemContext(workspace.id);
    expect(await services.access.listMembers(ctx)).toEqual([
      expect.objectContaining({ operatorId: owner.id, email: owner.email, role: "owner" }),
    ]);
    const { items } = await services.audit.list(ctx, { limit: 10 });
    expect(items.map((e) => [e.action, e.actorId, e.ip])).toEqual([
      ["operator.added", owner.id, "203.0.113.7"],
      ["workspace.created", owner.id, "203.0.113.7"],
    ]);
  });

  it("creates nothing when a step fails", async () => {
    const slug = `failing-${newId().slice(-8)}`;
    // an owner id the memberships table cannot hold makes the second step fail
    const ghost = { id: "not-a-uuid", email: "ghost@brand.example", name: "Ghost", createdAt: clock.now().toISOString(), lastLoginAt: null };
    await expect(createWorkspaceWithOwner(services, { ...CreateWorkspaceBody.parse({ name: "Half Made" }), slug }, ghost)).rejects.toThrow();
    expect(await services.workspaces.findBySlug(slug)).toBeNull();
  });
});

describe("loadMe", () => {
  it("lists the operator's workspaces with role and stores, in the order joined", async () => {
    const me = await newOperator("Me");
    const other = await newOperator("Other");
    const mine = await createWorkspaceWithOwner(services, CreateWorkspaceBody.parse({ name: "Mine" }), me);
    clock.advance(1_000);
    const theirs = await createWorkspaceWithOwner(services, CreateWorkspaceBody.parse({ name: "Theirs" }), other);
    const theirCtx = { workspaceId: theirs.id, actor: { type: "operator" as const, id: other.id, name: other.name }, storeIds: null, ip: null };
    clock.advance(1_000);
    await services.access.addMembership(theirCtx, { operatorId: me.id, email: me.email, role: "analyst", storeIds: [] });

    const result = await loadMe(services, me);
    expect(result.operator).toEqual(me);
    expect(result.memberships).toEqual([
      { workspace: mine, role: "owner", storeIds: [] },
      { workspace: theirs, role: "analyst", storeIds: [] },
    ]);
    expect((await loadMe(services, other)).memberships.map((m) => m.workspace.id)).toEqual([theirs.id]);
  });

  it("is empty for an operator without workspaces, and drops a removed workspace", async () => {
    const loner = await newOperator("Loner");
    expect(await loadMe(services, loner)).toEqual({ operator: loner, memberships: [] });

    const temp = await createWorkspaceWithOwner(services, CreateWorkspaceBody.parse({ name: "Short-lived" }), loner);
    expect((await loadMe(services, loner)).memberships).toHaveLength(1);
    await services.workspaces.remove(temp.id);
    expect((await loadMe(services, loner)).memberships).toEqual([]);
  });
});
