import { CreateWorkspaceBody, type Channel, type MessagingSettings } from "@siyu/contracts";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, expect } from "vitest";
import { DEFAULT_ACCESS_SETTINGS } from "../../access";
import { createCoreServices, type CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { SYSTEM_ACTOR, systemContext } from "../../shared/context";
import { rows } from "../../shared/sql-rows";
import type { ChannelAdapter, DeliveryResult, OutgoingMessage } from "../channels/channel";
import type { ChannelAdapters } from "../channels/registry";
import { messagingSettingsStore } from "../messaging.settings";
import { queueMessages, type QueueMessageRequest } from "../outbox/queue-messages";
import { runDispatchBatch } from "./dispatcher";

/**
 * The dispatcher suites' store and helpers: one test database per file (opened before its tests,
 * closed after), a fixed clock at 12:00 in Shanghai, and workspaces, customers, templates and
 * queued messages made through the services.
 */
export function dispatcherTestbed() {
  let database: TestDatabase;
  let services: CoreServices;
  const clock = fixedClock("2026-11-02T04:00:00Z"); // 12:00 in Shanghai
  let serial = 0;

  beforeAll(async () => {
    database = await openTestDatabase();
    services = createCoreServices({ db: database.db, clock, settings: { access: { ...DEFAULT_ACCESS_SETTINGS, passwordMemoryKiB: 1024, passwordPasses: 1 } } });
  });
  afterAll(async () => {
    await database?.close();
  });

  /** Records what each channel was handed; answers with `answer` (delivered by default). */
  function recorder(channels: Channel[], answer: (m: OutgoingMessage) => Promise<DeliveryResult> | DeliveryResult = () => ({ status: "delivered" })) {
    const sent: OutgoingMessage[] = [];
    const adapters: ChannelAdapters = {};
    for (const channel of channels) {
      const adapter: ChannelAdapter = {
        channel,
        addressType: null,
        async deliver(m) {
          sent.push(m);
          return answer(m);
        },
      };
      adapters[channel] = adapter;
    }
    return { sent, adapters };
  }

  async function workspace(settings: Partial<MessagingSettings>, timezone = "Asia/Shanghai") {
    serial += 1;
    const ws = await services.workspaces.create(CreateWorkspaceBody.parse({ name: `Messaging ${serial}`, timezone }), SYSTEM_ACTOR);
    const ctx = systemContext(ws.id);
    await messagingSettingsStore.replace(database.db, clock, ctx, settings);
    return { id: ws.id, ctx };
  }

  const enabled = (...channels: Channel[]) => Object.fromEntries(channels.map((c) => [c, { enabled: true, config: c.startsWith("wechat") ? { appId: "wxapp" } : {}, dailyCap: null }]));

  async function customer(workspaceId: string, traits: Record<string, unknown>, consents: { channel: string; purpose: "marketing" | "service"; granted: boolean }[] = []) {
    serial += 1;
    const userId = `u-${serial}`;
    const result = await services.ingest(workspaceId, [{ type: "identify", messageId: `m-${serial}`, userId, traits: { name: `会员${serial}`, ...traits } }]);
    expect(result.errors ?? []).toEqual([]);
    while ((await services.projectNextBatch()) > 0);
    const [found] = await services.identity.profilesOfIdentifiers(workspaceId, [{ type: "user_id", value: userId }]);
    const profileId = (found as { profileId: string }).profileId;
    if (consents.length > 0) await services.consents.set(systemContext(workspaceId), profileId, { consents }, "operator");
    return profileId;
  }

  async function template(workspaceId: string, channel: Channel, purpose: "marketing" | "service", body: string, extra: Record<string, unknown> = {}) {
    return (await services.messaging.templates.create(systemContext(workspaceId), { name: `T${++serial}`, channel, purpose, content: { "zh-CN": { subject: "标题", body, ...extra } } })).id;
  }

  async function queue(requests: (Omit<QueueMessageRequest, "idempotencyKey" | "source"> & { key?: string })[]) {
    await queueMessages(
      database.db,
      clock.now(),
      requests.map((r) => ({ ...r, idempotencyKey: r.key ?? `k-${++serial}`, source: { kind: "test" as const } })),
    );
  }

  async function outcomes(workspaceId: string) {
    return rows<{ idempotency_key: string; status: string; reason: string | null; attempts: number; due_at: string | Date | null; address: string | null; error: string | null }>(
      database.db,
      sql`select idempotency_key, status, reason, attempts, due_at, address, error from messages where workspace_id = ${workspaceId}::uuid order by idempotency_key`,
    );
  }
  const byKey = async (workspaceId: string) => new Map((await outcomes(workspaceId)).map((o) => [o.idempotency_key, o]));

  async function drain(adapters: ChannelAdapters, options = {}) {
    let total = 0;
    for (let n = -1; n !== 0; ) {
      n = (await runDispatchBatch(database.db, clock, adapters, 100, options)).taken;
      total += n;
    }
    return total;
  }

  return {
    clock,
    get db() {
      return database.db;
    },
    get services() {
      return services;
    },
    recorder,
    workspace,
    enabled,
    customer,
    template,
    queue,
    outcomes,
    byKey,
    drain,
  };
}
