import { CreateInvitationBody, CreateStoreBody } from "@siyu/contracts";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspaceWithOwner } from "../flows";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { DomainError } from "../shared/domain-error";
import { hashToken } from "../shared/secrets";
import { accessInvitations } from "./access.schema";
import { DEFAULT_ACCESS_SETTINGS, type AccessSettings } from "./access.settings";

const SETTINGS: AccessSettings = { ...DEFAULT_ACCESS_SETTINGS, passwordMemoryKiB: 1024, passwordPasses: 1 };
const HOUR = 3_600_000;
const META = { ip: "198.51.100.4", userAgent: "vitest" };

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2025-03-01T08:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  services = createCoreServices({ db: database.db, clock, settings: { access: SETTINGS } });
});
afterAll(async () => {
  await database?.close();
});

let seq = 0;
function uniqueEmail() {
  seq += 1;
  return `invitee${seq}@brand.example`;
}

async function newWorkspace() {
  clock.advance(1_000);
  const owner = await services.access.createOperator({ email: uniqueEmail(), name: "Owner", password: "correct horse battery" });
  const workspace = await createWorkspaceWithOwner(services, { name: "Noodle Bar", timezone: "Asia/Shanghai", currency: "CNY" }, owner);
  const ctx: WorkspaceContext = {
    workspaceId: workspace.id,
    actor: { type: "operator", id: owner.id, name: owner.name },
    storeIds: null,
    ip: "203.0.113.7",
  };
  const [store] = await services.stores.createMany(ctx, [CreateStoreBody.parse({ code: "BJ01", name: "Sanlitun", city: "Beijing" })]);
  return { workspace, owner, ctx, storeId: store!.id };
}

function invite(ctx: WorkspaceContext, body: { email: string; role: string; storeIds?: string[] }, actorRole: "owner" | "admin" = "owner") {
  return services.access.createInvitation(ctx, actorRole, CreateInvitationBody.parse(body));
}

describe("creating invitations", () => {
  it("shows the token once and stores only its hash", async () => {
    const { ctx } = await newWorkspace();
    const email = uniqueEmail();
    const { invitation, token } = await invite(ctx, { email: email.toUpperCase(), role: "analyst" });
    expect(token).toMatch(/^[0-9A-Za-z]{43}$/);
    expect(invitation).toMatchObject({ email, role: "analyst", storeIds: [], acceptedAt: null, revokedAt: null });
    expect(JSON.stringify(invitation)).not.toContain(token);
    expect(new Date(invitation.expiresAt).getTime()).toBe(clock.now().getTime() + SETTINGS.invitationTtlHours * HOUR);

    const rows = await database.db.select().from(accessInvitations);
    expect(JSON.stringify(rows)).not.toContain(token);
    expect(rows.filter((r) => r.tokenHash === hashToken(token))).toHaveLength(1);

    const listed = await services.access.listInvitations(ctx);
    expect(listed).toEqual([invitation]);
    expect(JSON.stringify(listed)).not.toContain(token);
  });

  it("audits the invitation", async () => {
    const { ctx } = await newWorkspace();
    const email = uniqueEmail();
    const { invitation, token } = await invite(ctx, { email, role: "admin" });
    const { items } = await services.audit.list(ctx, { limit: 10, action: "invitation.created" });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ targetId: invitation.id, actorId: ctx.actor.id, after: { email, role: "admin", storeIds: [] } });
    expect(JSON.stringify(items)).not.toContain(token);
  });

  it("only an owner can invite an owner", async () => {
    const { ctx } = await newWorkspace();
    const email = uniqueEmail();
    await expect(invite(ctx, { email, role: "owner" }, "admin")).rejects.toMatchObject({ code: "access.owner_required", status: 403 });
    await expect(services.access.createInvitation(ctx, null, CreateInvitationBody.parse({ email, role: "owner" }))).rejects.toMatchObject({
      code: "access.owner_required",
    });
    expect(await services.access.listInvitations(ctx)).toEqual([]);
    await expect(invite(ctx, { email, role: "owner" }, "owner")).resolves.toBeDefined();
    // an admin may still invite the other roles
    await expect(invite(ctx, { email: uniqueEmail(), role: "admin" }, "admin")).resolves.toBeDefined();
  });

  it("takes store ids only for a store manager, and only the workspace's own stores", async () => {
    const mine = await newWorkspace();
    const theirs = await newWorkspace();
    await expect(invite(mine.ctx, { email: uniqueEmail(), role: "store_manager", storeIds: [theirs.storeId] })).rejects.toMatchObject({
      code: "access.unknown_store",
      status: 400,
    });
    const manager = await invite(mine.ctx, { email: uniqueEmail(), role: "store_manager", storeIds: [mine.storeId, mine.storeId] });
    expect(manager.invitation.storeIds).toEqual([mine.storeId]);
    const analyst = await invite(mine.ctx, { email: uniqueEmail(), role: "analyst", storeIds: [mine.storeId] });
    expect(analyst.invitation.storeIds).toEqual([]);
  });

  it("lists only the workspace's own invitations, newest first", async () => {
    const mine = await newWorkspace();
    const theirs = await newWorkspace();
    const first = await invite(mine.ctx, { email: uniqueEmail(), role: "analyst" });
    const second = await invite(mine.ctx, { email: uniqueEmail(), role: "auditor" });
    await invite(theirs.ctx, { email: uniqueEmail(), role: "analyst" });
    expect((await services.access.listInvitations(mine.ctx)).map((i) => i.id)).toEqual([second.invitation.id, first.invitation.id]);
  });
});

describe("accepting invitations", () => {
  it("creates the operator and the membership and logs them in", async () => {
    const { ctx } = await newWorkspace();
    const email = uniqueEmail();
    const { token } = await invite(ctx, { email, role: "admin" });
    expect((await services.access.findOpenInvitation(token)).email).toBe(email);

    const session = await services.access.acceptInvitation(token, { name: "Chen Jie", password: "a fine new password" }, META);
    expect(session.operator).toMatchObject({ email, name: "Chen Jie" });
    expect((await services.access.authenticateSession(session.token))?.operator.id).toBe(session.operator.id);
    expect(await services.access.getMembership(session.operator.id, ctx.workspaceId)).toMatchObject({ role: "admin", storeIds: [] });
    await expect(services.access.login(email, "a fine new password", META)).resolves.toBeDefined();

    const [listed] = await services.access.listInvitations(ctx);
    expect(listed?.acceptedAt).toBe(clock.now().toISOString());
    const { items } = await services.audit.list(ctx, { limit: 10, action: "operator.added" });
    expect(items[0]).toMatchObject({ targetId: session.operator.id, actorId: session.operator.id, ip: META.ip });
  });

  it("works once: accepting again is access.invitation_not_found", async () => {
    const { ctx } = await newWorkspace();
    const { token } = await invite(ctx, { email: uniqueEmail(), role: "analyst" });
    await services.access.acceptInvitation(token, { name: "Chen Jie", password: "a fine new password" }, META);
    const again = services.access.acceptInvitation(token, { name: "Chen Jie", password: "a fine new password" }, META);
    await expect(again).rejects.toBeInstanceOf(DomainError);
    await expect(again).rejects.toMatchObject({ code: "access.invitation_not_found", status: 404 });
  });

  it("an unknown token is access.invitation_not_found", async () => {
    await expect(services.access.findOpenInvitation("x".repeat(43))).rejects.toMatchObject({ code: "access.invitation_not_found" });
    await expect(
      services.access.acceptInvitation("x".repeat(43), { name: "Nobody", password: "a fine new password" }, META),
    ).rejects.toMatchObject({ code: "access.invitation_not_found" });
  });

  it("expires after invitationTtlHours (access.invitation_expired) and creates nobody", async () => {
    const { ctx } = await newWorkspace();
    const email = uniqueEmail();
    const { token } = await invite(ctx, { email, role: "analyst" });
    const local = fixedClock(clock.now());
    const later = createCoreServices({ db: database.db, clock: local, settings: { access: SETTINGS } });
    local.advance(SETTINGS.invitationTtlHours * HOUR - 1);
    await expect(later.access.findOpenInvitation(token)).resolves.toMatchObject({ email });
    local.advance(1);
    await expect(later.access.acceptInvitation(token, { name: "Late", password: "a fine new password" }, META)).rejects.toMatchObject({
      code: "access.invitation_expired",
      status: 410,
    });
    expect(await later.access.findOperatorByEmail(email)).toBeNull();
  });

  it("a revoked invitation is not found; revoking is audited and idempotent", async () => {
    const { ctx } = await newWorkspace();
    const email = uniqueEmail();
    const { invitation, token } = await invite(ctx, { email, role: "analyst" });
    await services.access.revokeInvitation(ctx, invitation.id);
    await services.access.revokeInvitation(ctx, invitation.id);
    await expect(
      services.access.acceptInvitation(token, { name: "Chen Jie", password: "a fine new password" }, META),
    ).rejects.toMatchObject({ code: "access.invitation_not_found" });
    expect(await services.access.findOperatorByEmail(email)).toBeNull();
    expect((await services.access.listInvitations(ctx))[0]?.revokedAt).toBe(clock.now().toISOString());
    const { items } = await services.audit.list(ctx, { limit: 10, action: "invitation.revoked" });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ targetId: invitation.id, before: { email, role: "analyst" } });
  });

  it("cannot revoke another workspace's invitation", async () => {
    const mine = await newWorkspace();
    const theirs = await newWorkspace();
    const { invitation, token } = await invite(theirs.ctx, { email: uniqueEmail(), role: "analyst" });
    await expect(services.access.revokeInvitation(mine.ctx, invitation.id)).rejects.toMatchObject({
      code: "access.invitation_not_found",
      status: 404,
    });
    await expect(services.access.revokeInvitation(mine.ctx, "not-an-id")).rejects.toMatchObject({ code: "access.invitation_not_found" });
    await expect(services.access.findOpenInvitation(token)).resolves.toBeDefined();
  });

  it("asks an existing operator for that account's password", async () => {
    const first = await newWorkspace();
    const second = await newWorkspace();
    const email = uniqueEmail();
    const existing = await services.access.createOperator({ email, name: "Zhou Lan", password: "her own password" });
    await services.access.addMembership(first.ctx, { operatorId: existing.id, email, role: "analyst", storeIds: [] });
    const { token } = await invite(second.ctx, { email, role: "admin" });

    await expect(
      services.access.acceptInvitation(token, { name: "Someone Else", password: "a guessed password" }, META),
    ).rejects.toMatchObject({ code: "access.invalid_credentials", status: 401 });
    expect(await services.access.getMembership(existing.id, second.ctx.workspaceId)).toBeNull();
    await expect(services.access.findOpenInvitation(token)).resolves.toBeDefined();

    const session = await services.access.acceptInvitation(token, { name: "Someone Else", password: "her own password" }, META);
    expect(session.operator.id).toBe(existing.id);
    expect(session.operator.name).toBe("Zhou Lan");
    expect((await services.access.listMembershipsOf(existing.id)).map((m) => m.workspaceId)).toEqual([
      first.ctx.workspaceId,
      second.ctx.workspaceId,
    ]);
    // the account keeps its password
    await expect(services.access.login(email, "her own password", META)).resolves.toBeDefined();
  });

  it("an owner invitation accepted by an owner-invited person makes them owner", async () => {
    const { ctx } = await newWorkspace();
    const { token } = await invite(ctx, { email: uniqueEmail(), role: "owner" }, "owner");
    const session = await services.access.acceptInvitation(token, { name: "Co-founder", password: "a fine new password" }, META);
    expect((await services.access.getMembership(session.operator.id, ctx.workspaceId))?.role).toBe("owner");
  });

  // Regression: the store check must run on the transaction's handle; on PGlite's one connection any
  // other handle waits for the transaction forever. Its own database and time limit keep a hang contained.
  it("a store manager's invitation gives the invited stores on acceptance", async () => {
    const own = await openTestDatabase();
    const s = createCoreServices({ db: own.db, clock: fixedClock("2025-03-01T08:00:00Z"), settings: { access: SETTINGS } });
    let hung = false;
    try {
      const owner = await s.access.createOperator({ email: "owner@brand.example", name: "Owner", password: "correct horse battery" });
      const ws = await createWorkspaceWithOwner(s, { name: "Noodle Bar", timezone: "Asia/Shanghai", currency: "CNY" }, owner);
      const ctx: WorkspaceContext = { workspaceId: ws.id, actor: { type: "operator", id: owner.id, name: owner.name }, storeIds: null, ip: null };
      const store = await s.stores.create(ctx, CreateStoreBody.parse({ code: "BJ01", name: "Sanlitun", city: "Beijing" }));
      const { token } = await s.access.createInvitation(
        ctx,
        "owner",
        CreateInvitationBody.parse({ email: "manager@brand.example", role: "store_manager", storeIds: [store.id] }),
      );

      const accepted = await within(5_000, s.access.acceptInvitation(token, { name: "Store Manager", password: "a fine new password" }, META)).then(
        (session) => session,
        (e: unknown) => {
          if (e instanceof DeadlockSuspected) return null;
          throw e;
        },
      );
      hung = accepted === null;
      expect(hung, "acceptInvitation did not answer: deadlock between its transaction and the store check").toBe(false);
      expect(await s.access.getMembership(accepted!.operator.id, ws.id)).toMatchObject({ role: "store_manager", storeIds: [store.id] });
    } finally {
      // a hung PGlite never finishes closing; leave it to the worker's exit
      if (!hung) await own.close();
    }
  }, 30_000);
});

class DeadlockSuspected extends Error {}

/** Fails instead of waiting forever when a call never answers. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlockSuspected(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
