import { CreateStoreBody, type Role } from "@siyu/contracts";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceWithOwner } from "../flows";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { DEFAULT_ACCESS_SETTINGS } from "./access.settings";

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
async function newOperator(name = "Zhang Min") {
  seq += 1;
  clock.advance(1_000);
  return services.access.createOperator({ email: `member${seq}@brand.example`, name, password: "correct horse battery" });
}

/** A workspace with its owner, and the context the owner acts in. */
async function newWorkspace() {
  const owner = await newOperator("Owner");
  const workspace = await createWorkspaceWithOwner(services, { name: "Tea House", timezone: "Asia/Shanghai", currency: "CNY" }, owner);
  const ctx: WorkspaceContext = {
    workspaceId: workspace.id,
    actor: { type: "operator", id: owner.id, name: owner.name },
    storeIds: null,
    ip: "203.0.113.7",
  };
  const [storeA, storeB] = await services.stores.createMany(ctx, [
    CreateStoreBody.parse({ code: "SH001", name: "Jing'an", city: "Shanghai" }),
    CreateStoreBody.parse({ code: "SH002", name: "Xuhui", city: "Shanghai" }),
  ]);
  return { workspace, owner, ctx, stores: [storeA!.id, storeB!.id] };
}

async function join(ctx: WorkspaceContext, role: Role, storeIds: string[] = []) {
  const operator = await newOperator();
  await services.access.addMembership(ctx, { operatorId: operator.id, email: operator.email, role, storeIds });
  return operator;
}

class DeadlockSuspected extends Error {}

/** Fails instead of waiting forever when a call never answers. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlockSuspected(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

async function auditOf(ctx: WorkspaceContext, action: string) {
  return (await services.audit.list(ctx, { limit: 200, action })).items;
}

describe("adding members", () => {
  it("gives a store manager stores of the same workspace", async () => {
    const { ctx, stores } = await newWorkspace();
    const manager = await join(ctx, "store_manager", [stores[0]!, stores[0]!]);
    expect(await services.access.getMembership(manager.id, ctx.workspaceId)).toEqual({
      workspaceId: ctx.workspaceId,
      operatorId: manager.id,
      role: "store_manager",
      storeIds: [stores[0]],
    });
    const listed = (await services.access.listMembers(ctx)).find((m) => m.operatorId === manager.id);
    expect(listed).toMatchObject({ email: manager.email, name: manager.name, role: "store_manager", storeIds: [stores[0]] });
  });

  it("refuses another workspace's store id with access.unknown_store and adds nobody", async () => {
    const mine = await newWorkspace();
    const theirs = await newWorkspace();
    const operator = await newOperator();
    await expect(
      services.access.addMembership(mine.ctx, {
        operatorId: operator.id,
        email: operator.email,
        role: "store_manager",
        storeIds: [mine.stores[0]!, theirs.stores[0]!],
      }),
    ).rejects.toMatchObject({ code: "access.unknown_store", status: 400 });
    expect(await services.access.getMembership(operator.id, mine.ctx.workspaceId)).toBeNull();
    expect(await auditOf(mine.ctx, "operator.added")).toHaveLength(1); // the owner only
  });

  it("stores no store ids for roles other than store manager", async () => {
    const { ctx, stores } = await newWorkspace();
    for (const role of ["admin", "operator", "analyst", "auditor"] as const) {
      const operator = await join(ctx, role, stores);
      expect((await services.access.getMembership(operator.id, ctx.workspaceId))?.storeIds).toEqual([]);
    }
  });

  it("refuses to add the same operator twice (access.already_member)", async () => {
    const { ctx } = await newWorkspace();
    const operator = await join(ctx, "analyst");
    await expect(
      services.access.addMembership(ctx, { operatorId: operator.id, email: operator.email, role: "admin", storeIds: [] }),
    ).rejects.toMatchObject({ code: "access.already_member", status: 409 });
    expect((await services.access.getMembership(operator.id, ctx.workspaceId))?.role).toBe("analyst");
  });

  it("writes an audit entry with the new member's role and stores", async () => {
    const { ctx, stores } = await newWorkspace();
    const manager = await join(ctx, "store_manager", [stores[1]!]);
    const [entry] = (await auditOf(ctx, "operator.added")).filter((e) => e.targetId === manager.id);
    expect(entry).toMatchObject({
      actorType: "operator",
      actorId: ctx.actor.id,
      targetType: "operator",
      before: null,
      after: { email: manager.email, role: "store_manager", storeIds: [stores[1]] },
      ip: "203.0.113.7",
    });
  });

  it("keeps memberships per workspace: a member of one is unknown in another", async () => {
    const mine = await newWorkspace();
    const theirs = await newWorkspace();
    const operator = await join(mine.ctx, "admin");
    expect(await services.access.getMembership(operator.id, theirs.ctx.workspaceId)).toBeNull();
    expect((await services.access.listMembers(theirs.ctx)).map((m) => m.operatorId)).toEqual([theirs.owner.id]);
    await expect(services.access.updateMembership(theirs.ctx, "owner", operator.id, { role: "analyst" })).rejects.toMatchObject({
      code: "access.member_not_found",
      status: 404,
    });
    await expect(services.access.removeMember(theirs.ctx, "owner", operator.id)).rejects.toMatchObject({
      code: "access.member_not_found",
    });
    expect((await services.access.getMembership(operator.id, mine.ctx.workspaceId))?.role).toBe("admin");
  });

  it("lists an operator's memberships across workspaces in the order joined", async () => {
    const first = await newWorkspace();
    const second = await newWorkspace();
    const operator = await join(second.ctx, "auditor");
    clock.advance(1_000);
    await services.access.addMembership(first.ctx, { operatorId: operator.id, email: operator.email, role: "admin", storeIds: [] });
    expect((await services.access.listMembershipsOf(operator.id)).map((m) => [m.workspaceId, m.role])).toEqual([
      [second.ctx.workspaceId, "auditor"],
      [first.ctx.workspaceId, "admin"],
    ]);
  });
});

describe("changing a membership", () => {
  it("changes the role and audits only what changed", async () => {
    const { ctx } = await newWorkspace();
    const member = await join(ctx, "analyst");
    const updated = await services.access.updateMembership(ctx, "admin", member.id, { role: "operator" });
    expect(updated).toMatchObject({ operatorId: member.id, email: member.email, role: "operator", storeIds: [] });
    expect(await services.access.getMembership(member.id, ctx.workspaceId)).toMatchObject({ role: "operator", storeIds: [] });

    await services.access.updateMembership(ctx, "admin", member.id, { role: "auditor" });
    const entries = (await auditOf(ctx, "operator.updated")).filter((e) => e.targetId === member.id);
    expect(entries.map((e) => [e.before, e.after])).toEqual([
      [{ role: "operator" }, { role: "auditor" }],
      [{ role: "analyst" }, { role: "operator" }],
    ]);
    expect(entries[0]).toMatchObject({ actorId: ctx.actor.id, targetType: "operator" });
  });

  it("drops the store ids when a store manager gets another role", async () => {
    const { ctx, stores } = await newWorkspace();
    const manager = await join(ctx, "store_manager", stores);
    await services.access.updateMembership(ctx, "admin", manager.id, { role: "operator" });
    expect(await services.access.getMembership(manager.id, ctx.workspaceId)).toMatchObject({ role: "operator", storeIds: [] });
    const [entry] = await auditOf(ctx, "operator.updated");
    expect(entry).toMatchObject({ before: { role: "store_manager", storeIds: stores }, after: { role: "operator", storeIds: [] } });
  });

  // Regression: the store check must run on the transaction's handle; on PGlite's one connection any
  // other handle waits for the transaction forever. Its own database and time limit keep a hang contained.
  it("assigns stores to a store manager, refusing another workspace's store (access.unknown_store)", async () => {
    const own = await openTestDatabase();
    const ownClock = fixedClock("2025-03-01T08:00:00Z");
    const s = createCoreServices({
      db: own.db,
      clock: ownClock,
      settings: { access: { ...DEFAULT_ACCESS_SETTINGS, passwordMemoryKiB: 1024, passwordPasses: 1 } },
    });
    let hung = false;
    try {
      const newWs = async (n: number) => {
        const owner = await s.access.createOperator({ email: `owner${n}@brand.example`, name: "Owner", password: "correct horse battery" });
        const ws = await createWorkspaceWithOwner(s, { name: "Tea House", timezone: "Asia/Shanghai", currency: "CNY" }, owner);
        const ctx: WorkspaceContext = { workspaceId: ws.id, actor: { type: "operator", id: owner.id, name: owner.name }, storeIds: null, ip: null };
        const created = await s.stores.createMany(ctx, [
          CreateStoreBody.parse({ code: "SH001", name: "Jing'an", city: "Shanghai" }),
          CreateStoreBody.parse({ code: "SH002", name: "Xuhui", city: "Shanghai" }),
        ]);
        return { ctx, stores: created.map((st) => st.id) };
      };
      const mine = await newWs(1);
      const theirs = await newWs(2);
      const member = await s.access.createOperator({ email: "member@brand.example", name: "Member", password: "correct horse battery" });
      await s.access.addMembership(mine.ctx, { operatorId: member.id, email: member.email, role: "analyst", storeIds: [] });

      hung = await within(
        5_000,
        s.access.updateMembership(mine.ctx, "admin", member.id, { role: "store_manager", storeIds: mine.stores }),
      ).then(
        () => false,
        (e: unknown) => {
          if (e instanceof DeadlockSuspected) return true;
          throw e;
        },
      );
      expect(hung, "updateMembership did not answer: deadlock between its transaction and the store check").toBe(false);
      expect(await s.access.getMembership(member.id, mine.ctx.workspaceId)).toMatchObject({ role: "store_manager", storeIds: mine.stores });

      await expect(
        within(5_000, s.access.updateMembership(mine.ctx, "admin", member.id, { storeIds: [theirs.stores[0]!] })),
      ).rejects.toMatchObject({ code: "access.unknown_store", status: 400 });
      expect((await s.access.getMembership(member.id, mine.ctx.workspaceId))?.storeIds).toEqual(mine.stores);
      const entries = (await s.audit.list(mine.ctx, { limit: 50, action: "operator.updated" })).items;
      expect(entries.map((e) => [e.before, e.after])).toEqual([
        [
          { role: "analyst", storeIds: [] },
          { role: "store_manager", storeIds: mine.stores },
        ],
      ]);
    } finally {
      // a hung PGlite never finishes closing; leave it to the worker's exit
      if (!hung) await own.close();
    }
  }, 30_000);

  it("only an owner can grant the owner role", async () => {
    const { ctx } = await newWorkspace();
    const admin = await join(ctx, "admin");
    for (const actorRole of ["admin", "operator", null] as const) {
      await expect(services.access.updateMembership(ctx, actorRole, admin.id, { role: "owner" })).rejects.toMatchObject({
        code: "access.owner_required",
        status: 403,
      });
    }
    expect((await services.access.getMembership(admin.id, ctx.workspaceId))?.role).toBe("admin");
    await services.access.updateMembership(ctx, "owner", admin.id, { role: "owner" });
    expect((await services.access.getMembership(admin.id, ctx.workspaceId))?.role).toBe("owner");
  });

  it("only an owner can take the owner role away, even when other owners remain", async () => {
    const { ctx } = await newWorkspace();
    const coOwner = await join(ctx, "owner");
    await expect(services.access.updateMembership(ctx, "admin", coOwner.id, { role: "admin" })).rejects.toMatchObject({
      code: "access.owner_required",
    });
    await services.access.updateMembership(ctx, "owner", coOwner.id, { role: "admin" });
    expect((await services.access.getMembership(coOwner.id, ctx.workspaceId))?.role).toBe("admin");
  });

  it("never demotes the last owner (access.last_owner)", async () => {
    const { ctx, owner } = await newWorkspace();
    await expect(services.access.updateMembership(ctx, "owner", owner.id, { role: "admin" })).rejects.toMatchObject({
      code: "access.last_owner",
      status: 409,
    });
    expect((await services.access.getMembership(owner.id, ctx.workspaceId))?.role).toBe("owner");
    // with a second owner, the first may step down
    await join(ctx, "owner");
    await services.access.updateMembership(ctx, "owner", owner.id, { role: "admin" });
    expect((await services.access.getMembership(owner.id, ctx.workspaceId))?.role).toBe("admin");
  });
});

describe("removing a member", () => {
  it("removes the membership and audits what it was", async () => {
    const { ctx, stores } = await newWorkspace();
    const manager = await join(ctx, "store_manager", [stores[0]!]);
    await services.access.removeMember(ctx, "admin", manager.id);
    expect(await services.access.getMembership(manager.id, ctx.workspaceId)).toBeNull();
    expect((await services.access.listMembers(ctx)).map((m) => m.operatorId)).not.toContain(manager.id);
    const [entry] = await auditOf(ctx, "operator.removed");
    expect(entry).toMatchObject({
      targetId: manager.id,
      before: { email: manager.email, role: "store_manager", storeIds: [stores[0]] },
      after: null,
    });
    // the operator's account itself stays
    expect((await services.access.getOperator(manager.id)).email).toBe(manager.email);
  });

  it("only an owner can remove an owner", async () => {
    const { ctx } = await newWorkspace();
    const coOwner = await join(ctx, "owner");
    await expect(services.access.removeMember(ctx, "admin", coOwner.id)).rejects.toMatchObject({
      code: "access.owner_required",
      status: 403,
    });
    await expect(services.access.removeMember(ctx, null, coOwner.id)).rejects.toMatchObject({ code: "access.owner_required" });
    await services.access.removeMember(ctx, "owner", coOwner.id);
    expect(await services.access.getMembership(coOwner.id, ctx.workspaceId)).toBeNull();
  });

  it("never removes the last owner (access.last_owner), and writes no audit entry for the refusal", async () => {
    const { ctx, owner } = await newWorkspace();
    await expect(services.access.removeMember(ctx, "owner", owner.id)).rejects.toMatchObject({
      code: "access.last_owner",
      status: 409,
    });
    expect((await services.access.getMembership(owner.id, ctx.workspaceId))?.role).toBe("owner");
    expect(await auditOf(ctx, "operator.removed")).toEqual([]);
  });

  it("an unknown operator is access.member_not_found", async () => {
    const { ctx } = await newWorkspace();
    const stranger = await newOperator();
    await expect(services.access.removeMember(ctx, "owner", stranger.id)).rejects.toMatchObject({
      code: "access.member_not_found",
      status: 404,
    });
  });
});
