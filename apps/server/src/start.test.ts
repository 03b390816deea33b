import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerTestDatabase, testServerUrl } from "@siyu/storage/testing";
import { startSiyu } from "./start";

/**
 * The quick start end to end: an empty store becomes a running Siyu with the demo
 * brand — the embedded folder by default, a fresh server database under test:pg.
 */
const dataDir = mkdtempSync(join(tmpdir(), "siyu-start-"));
let databaseUrl: string | undefined;
let dropDatabase = async () => {};
beforeAll(async () => {
  const server = testServerUrl();
  if (server) {
    const target = await createServerTestDatabase(server);
    databaseUrl = target.url;
    dropDatabase = target.drop;
  }
});
afterAll(async () => {
  await dropDatabase();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("first start on an empty embedded store", () => {
  it("creates the demo workspace and an owner with a one-time password, and keeps them across restarts", async () => {
    const first = await startSiyu({ port: 0, host: "127.0.0.1", dataDir, databaseUrl, demo: true, demoMembers: 300, log: false });
    let workspaceId: string;
    try {
      expect(first.initialOwner).not.toBeNull();
      const { email, password } = first.initialOwner!;
      expect(password).toMatch(/^[A-Za-z0-9]{16}$/);
      const login = await fetch(`${first.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email, password }),
      });
      expect(login.status).toBe(200);
      const me = (await login.json()) as { memberships: { role: string; workspace: { id: string; isDemo: boolean; timezone: string } }[] };
      expect(me.memberships).toHaveLength(1);
      expect(me.memberships[0]).toMatchObject({ role: "owner", workspace: { isDemo: true, timezone: "Asia/Shanghai" } });
      workspaceId = me.memberships[0]!.workspace.id;
      const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
      const stores = await fetch(`${first.url}/api/v1/workspaces/${workspaceId}/stores?limit=100`, { headers: { cookie } });
      expect(((await stores.json()) as { items: unknown[] }).items.length).toBeGreaterThanOrEqual(10);

      // The demo brand's behaviour arrives through the tracking path and becomes customers with orders.
      await first.demoLoaded;
      await first.siyu.worker.drain();
      const customers = await fetch(`${first.url}/api/v1/workspaces/${workspaceId}/customers?hasOrders=true&limit=200`, { headers: { cookie } });
      const buyers = ((await customers.json()) as { items: { orderCount: number; phone: string | null }[] }).items;
      expect(buyers.length).toBeGreaterThan(50);
      expect(buyers.every((c) => c.orderCount > 0 && c.phone?.startsWith("+86"))).toBe(true);

      // The demo's templates reach a customer's inbox through the worker's dispatcher, and the latency lands in /metrics.
      const templates = (await (await fetch(`${first.url}/api/v1/workspaces/${workspaceId}/message-templates`, { headers: { cookie } })).json()) as { items: { id: string; purpose: string }[] };
      const welcome = templates.items.find((t) => t.purpose === "service")!;
      const buyer = (buyers[0] as unknown as { id: string }).id;
      const sent = await fetch(`${first.url}/api/v1/workspaces/${workspaceId}/messages`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({ profileId: buyer, templateId: welcome.id, category: "service", idempotencyKey: "start-test", variables: { coupon: { code: "NEW-1" } } }),
      });
      expect(sent.status).toBe(202);
      const messageId = ((await sent.json()) as { id: string }).id;
      await first.siyu.worker.drain();
      const message = (await (await fetch(`${first.url}/api/v1/workspaces/${workspaceId}/messages/${messageId}`, { headers: { cookie } })).json()) as { status: string };
      expect(message.status).toBe("delivered");
      const metrics = await (await fetch(`${first.url}/metrics`)).text();
      expect(metrics).toMatch(/siyu_message_trigger_to_channel_seconds_count\{channel="inbox"\} 1/);
    } finally {
      await first.close();
    }

    const second = await startSiyu({ port: 0, host: "127.0.0.1", dataDir, databaseUrl, demo: true, demoMembers: 300, log: false });
    try {
      expect(second.initialOwner).toBeNull();
      const me = await second.siyu.services.workspaces.get(workspaceId);
      expect(me.isDemo).toBe(true);
    } finally {
      await second.close();
    }
  });
});
