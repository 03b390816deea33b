import { CreateApiKeyBody } from "@siyu/contracts";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { createCoreServices, type CoreServices } from "../services";
import { fixedClock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { newId } from "../shared/ids";
import { hashToken } from "../shared/secrets";
import { apiKeys } from "./api-keys.schema";

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
    { name: "Milk Tea", timezone: "Asia/Shanghai", currency: "CNY" },
    { type: "system", id: null, name: "test" },
  );
  return { workspaceId: workspace.id, actor: { type: "operator", id: newId(), name: "Sun Li" }, storeIds: null, ip: "203.0.113.7" };
}

function create(ctx: WorkspaceContext, name: string, scope: "ingest" | "admin") {
  return services.apiKeys.create(ctx, CreateApiKeyBody.parse({ name, scope }));
}

describe("api keys", () => {
  it("shows the secret once, with a prefix that says its scope", async () => {
    const ctx = await newWorkspace();
    const ingest = await create(ctx, "Mini program", "ingest");
    const admin = await create(ctx, "ERP sync", "admin");
    expect(ingest.secret).toMatch(/^sk_ingest_[0-9A-Za-z]{40}$/);
    expect(admin.secret).toMatch(/^sk_admin_[0-9A-Za-z]{40}$/);
    expect(ingest.apiKey).toMatchObject({ name: "Mini program", scope: "ingest", createdBy: "Sun Li", lastUsedAt: null, revokedAt: null });
    // the prefix is enough to recognise a key, far too short to use it
    expect(ingest.secret.startsWith(ingest.apiKey.prefix)).toBe(true);
    expect(ingest.apiKey.prefix.length).toBeLessThan(20);
    expect(JSON.stringify(ingest.apiKey)).not.toContain(ingest.secret);
  });

  it("authenticates a secret to its key and workspace, and records when it was last used", async () => {
    const ctx = await newWorkspace();
    const { apiKey, secret } = await create(ctx, "Mini program", "ingest");
    expect(await services.apiKeys.authenticate(secret)).toEqual({
      id: apiKey.id,
      workspaceId: ctx.workspaceId,
      name: "Mini program",
      scope: "ingest",
    });
    const [listed] = await services.apiKeys.list(ctx);
    expect(listed?.lastUsedAt).toBe(clock.now().toISOString());
  });

  it("rejects tampered, truncated, foreign and oversized secrets", async () => {
    const ctx = await newWorkspace();
    const { secret } = await create(ctx, "ERP sync", "admin");
    const last = secret.at(-1) === "a" ? "b" : "a";
    for (const attempt of [
      secret.slice(0, -1) + last,
      secret.slice(0, -1),
      `${secret}x`,
      secret.replace("sk_admin_", "sk_ingest_"),
      secret.slice(3),
      "",
      `sk_${"a".repeat(200)}`,
    ]) {
      expect(await services.apiKeys.authenticate(attempt)).toBeNull();
    }
    expect(await services.apiKeys.authenticate(secret)).not.toBeNull();
  });

  it("a revoked key no longer authenticates; revoking is audited once", async () => {
    const ctx = await newWorkspace();
    const { apiKey, secret } = await create(ctx, "Old POS", "ingest");
    const other = await create(ctx, "New POS", "ingest");
    clock.advance(60_000);
    await services.apiKeys.revoke(ctx, apiKey.id);
    await services.apiKeys.revoke(ctx, apiKey.id);
    expect(await services.apiKeys.authenticate(secret)).toBeNull();
    expect(await services.apiKeys.authenticate(other.secret)).not.toBeNull();
    const listed = await services.apiKeys.list(ctx);
    expect(listed.find((k) => k.id === apiKey.id)?.revokedAt).toBe(clock.now().toISOString());
    expect(listed.find((k) => k.id === other.apiKey.id)?.revokedAt).toBeNull();
    const { items } = await services.audit.list(ctx, { limit: 10, action: "api_key.revoked" });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ targetId: apiKey.id, before: { name: "Old POS", scope: "ingest", prefix: apiKey.prefix } });
  });

  it("cannot revoke another workspace's key (api_keys.not_found)", async () => {
    const mine = await newWorkspace();
    const theirs = await newWorkspace();
    const { apiKey, secret } = await create(theirs, "Their key", "admin");
    await expect(services.apiKeys.revoke(mine, apiKey.id)).rejects.toMatchObject({ code: "api_keys.not_found", status: 404 });
    await expect(services.apiKeys.revoke(mine, "not-an-id")).rejects.toMatchObject({ code: "api_keys.not_found" });
    expect(await services.apiKeys.authenticate(secret)).not.toBeNull();
  });

  it("lists a workspace's own keys, newest first, never with the secret or its hash", async () => {
    const mine = await newWorkspace();
    const theirs = await newWorkspace();
    const first = await create(mine, "First", "ingest");
    const second = await create(mine, "Second", "admin");
    await create(theirs, "Theirs", "admin");
    const listed = await services.apiKeys.list(mine);
    expect(listed.map((k) => k.id)).toEqual([second.apiKey.id, first.apiKey.id]);
    const text = JSON.stringify(listed);
    for (const { secret } of [first, second]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(hashToken(secret));
    }
  });

  it("stores only the secret's hash, and audits the creation without the secret", async () => {
    const ctx = await newWorkspace();
    const { apiKey, secret } = await create(ctx, "Warehouse", "ingest");
    const rows = await database.db.select().from(apiKeys);
    expect(JSON.stringify(rows)).not.toContain(secret);
    expect(rows.find((r) => r.id === apiKey.id)?.secretHash).toBe(hashToken(secret));
    const { items } = await services.audit.list(ctx, { limit: 10, action: "api_key.created" });
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ targetId: apiKey.id, after: { name: "Warehouse", scope: "ingest", prefix: apiKey.prefix } });
    expect(JSON.stringify(items)).not.toContain(secret);
  });
});
