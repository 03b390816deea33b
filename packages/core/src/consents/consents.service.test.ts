import { CreateWorkspaceBody } from "@siyu/contracts";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { listProfileEventsOf } from "../profile-events";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import { SYSTEM_ACTOR, systemContext } from "../shared/context";
import { refreshProfileSnapshot } from "../warehouse";

let database: TestDatabase;
let warehouse: Warehouse;
let services: CoreServices;
const clock = fixedClock("2026-11-01T08:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
  services = createCoreServices({
    db: database.db,
    warehouse,
    clock,
    settings: { access: { ...DEFAULT_ACCESS_SETTINGS, passwordMemoryKiB: 1024, passwordPasses: 1 } },
  });
});
afterAll(async () => {
  await warehouse?.close();
  await database?.close();
});

async function profileOf(workspaceId: string, q: string): Promise<string> {
  const page = await services.profiles.list(systemContext(workspaceId), { limit: 5, q }, await services.identity.settings(workspaceId));
  const id = page.items[0]?.id;
  if (!id) throw new Error(`no profile for ${q}`);
  return id;
}

async function ingest(workspaceId: string, items: Record<string, unknown>[]) {
  const result = await services.ingest(workspaceId, items);
  expect(result.errors ?? []).toEqual([]);
  while ((await services.projectNextBatch()) > 0);
}

async function warehouseConsents(workspaceId: string) {
  return warehouse.query<{ profile_id: string; channel: string; purpose: string; granted: boolean }>(
    "select profile_id::varchar as profile_id, channel, purpose, granted from profile_consents where workspace_id = $1::uuid order by channel, purpose",
    [workspaceId],
  );
}

describe("consents", () => {
  it("record a decision once, with one event and one audit entry per real change", async () => {
    const ws = await services.workspaces.create(CreateWorkspaceBody.parse({ name: "Consent brand" }), SYSTEM_ACTOR);
    await ingest(ws.id, [{ type: "identify", messageId: "c-1", userId: "member-1", traits: { name: "王芳" } }]);
    const profileId = await profileOf(ws.id, "member-1");
    const ctx = systemContext(ws.id);

    const first = await services.consents.set(ctx, profileId, { consents: [{ channel: "sms", purpose: "marketing", granted: true }] }, "operator");
    expect(first).toMatchObject([{ channel: "sms", purpose: "marketing", granted: true, source: "operator" }]);
    // The same decision again changes nothing.
    await services.consents.set(ctx, profileId, { consents: [{ channel: "sms", purpose: "marketing", granted: true }] }, "api");
    const after = await services.consents.set(
      ctx,
      profileId,
      { consents: [{ channel: "sms", purpose: "marketing", granted: false }, { channel: "email", purpose: "service", granted: true }] },
      "api",
    );
    expect(after.map((c) => [c.channel, c.purpose, c.granted, c.source])).toEqual([
      ["email", "service", true, "api"],
      ["sms", "marketing", false, "api"],
    ]);
    const events = await listProfileEventsOf(database.db, ws.id, [profileId], { limit: 10 });
    expect(events.map((e) => `${e.kind} ${String(e.payload.channel)} ${String(e.payload.granted)}`).sort()).toEqual([
      "consent.changed email true",
      "consent.changed sms false",
      "consent.changed sms true",
    ]);
    const audit = await services.audit.list(ctx, { limit: 10 });
    expect(audit.items.filter((a) => a.action === "consents.set")).toHaveLength(2);

    // The warehouse copy is current as soon as the change is made.
    expect(await warehouseConsents(ws.id)).toEqual([
      { profile_id: profileId, channel: "email", purpose: "service", granted: true },
      { profile_id: profileId, channel: "sms", purpose: "marketing", granted: false },
    ]);
  });

  it("follow a merge: the newest decision across the merged person is the one in force", async () => {
    const ws = await services.workspaces.create(CreateWorkspaceBody.parse({ name: "Merge brand" }), SYSTEM_ACTOR);
    await ingest(ws.id, [
      { type: "identify", messageId: "m-1", anonymousId: "anon-7", traits: { name: "Visitor" } },
      { type: "identify", messageId: "m-2", userId: "member-7", traits: { name: "李雷" } },
    ]);
    const visitor = await profileOf(ws.id, "anon-7");
    const member = await profileOf(ws.id, "member-7");
    expect(visitor).not.toBe(member);
    const ctx = systemContext(ws.id);
    await services.consents.set(ctx, visitor, { consents: [{ channel: "wecom", purpose: "marketing", granted: true }] }, "member");
    clock.advance(60_000);
    await services.consents.set(ctx, member, { consents: [{ channel: "sms", purpose: "marketing", granted: true }] }, "operator");

    // One event links the two ids: the profiles merge.
    await ingest(ws.id, [{ type: "identify", messageId: "m-3", userId: "member-7", anonymousId: "anon-7" }]);
    const live = await services.profiles.resolveId(ctx, visitor);
    expect(await services.profiles.resolveId(ctx, member)).toBe(live);

    const inForce = await services.consents.list(ctx, visitor);
    expect(inForce.map((c) => `${c.channel}/${c.purpose}=${c.granted}`)).toEqual(["sms/marketing=true", "wecom/marketing=true"]);

    await refreshProfileSnapshot({ db: database.db, warehouse, workspaceId: ws.id });
    const rows = await warehouseConsents(ws.id);
    expect(rows.map((r) => [r.profile_id, r.channel])).toEqual([
      [live, "sms"],
      [live, "wecom"],
    ]);
  });

  it("refuse a customer that does not exist", async () => {
    const ws = await services.workspaces.create(CreateWorkspaceBody.parse({ name: "Nobody brand" }), SYSTEM_ACTOR);
    await expect(
      services.consents.set(systemContext(ws.id), "0190f0f0-0000-7000-8000-000000000000", { consents: [{ channel: "sms", purpose: "marketing", granted: true }] }, "api"),
    ).rejects.toMatchObject({ code: "profiles.not_found" });
  });
});
