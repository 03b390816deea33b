import { CreateWorkspaceBody } from "@siyu/contracts";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, testServerUrl, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCESS_SETTINGS } from "../../access";
import { createCoreServices, type CoreServices } from "../../services";
import { systemClock } from "../../shared/clock";
import { SYSTEM_ACTOR, systemContext } from "../../shared/context";
import { newId } from "../../shared/ids";
import { rows } from "../../shared/sql-rows";
import { countingAdapter } from "../channels/counting-adapter.test-helpers";
import { createChannelRegistry, type ChannelAdapters } from "../channels/registry";
import { messagingSettingsStore } from "../messaging.settings";
import { queueMessages } from "../outbox/queue-messages";
import { runDispatchBatch } from "./dispatcher";

/**
 * Real concurrency needs the PostgreSQL server (PGlite runs one statement at a time): `npm run test:pg`
 * sets DATABASE_URL_TEST, and CI's PostgreSQL step always does.
 */
const server = testServerUrl();
if (!server) console.log("SKIPPED messaging concurrency tests: no PostgreSQL server (run `npm run test:pg -- packages/core/src/messaging`)");

let database: TestDatabase;
let services: CoreServices;

describe.skipIf(!server)("the dispatcher under concurrency (postgres)", () => {
  beforeAll(async () => {
    database = await openTestDatabase();
    services = createCoreServices({ db: database.db, clock: systemClock, settings: { access: DEFAULT_ACCESS_SETTINGS } });
  });
  afterAll(async () => {
    await database?.close();
  });

  it("four dispatchers over 600 messages deliver each exactly once, with the 1 + 1 rule holding per customer", { timeout: 120_000 }, async () => {
    const ws = await services.workspaces.create(CreateWorkspaceBody.parse({ name: "Concurrent messaging" }), SYSTEM_ACTOR);
    const ctx = systemContext(ws.id);
    await messagingSettingsStore.replace(database.db, systemClock, ctx, { channels: { inbox: { enabled: true } }, quietHours: { enabled: false, start: "21:00", end: "09:00" } });
    const ids = Array.from({ length: 200 }, () => newId());
    await database.db.execute(sql`insert into profiles (id, workspace_id, created_at, updated_at) select unnest(${`{${ids.join(",")}}`}::uuid[]), ${ws.id}::uuid, now(), now()`);
    await database.db.execute(sql`insert into consents (workspace_id, profile_id, channel, purpose, granted, source, updated_at)
      select ${ws.id}::uuid, unnest(${`{${ids.join(",")}}`}::uuid[]), 'inbox', 'marketing', true, 'operator', now()`);
    const service = await services.messaging.templates.create(ctx, { name: "Service", channel: "inbox", purpose: "service", content: { "zh-CN": { body: "s" } } });
    const marketing = await services.messaging.templates.create(ctx, { name: "Marketing", channel: "inbox", content: { "zh-CN": { body: "m" } } });
    // Per customer: one service message and two targeted ones (the second must be capped).
    await queueMessages(
      database.db,
      new Date(),
      ids.flatMap((p) => [
        { workspaceId: ws.id, idempotencyKey: `s:${p}`, profileId: p, channel: "inbox" as const, category: "service" as const, templateId: service.id, source: { kind: "test" as const } },
        { workspaceId: ws.id, idempotencyKey: `t1:${p}`, profileId: p, channel: "inbox" as const, category: "targeted" as const, templateId: marketing.id, source: { kind: "test" as const } },
        { workspaceId: ws.id, idempotencyKey: `t2:${p}`, profileId: p, channel: "inbox" as const, category: "targeted" as const, templateId: marketing.id, source: { kind: "test" as const } },
      ]),
    );
    const inbox = createChannelRegistry({ db: database.db, clock: systemClock }).inbox!;
    const { adapter, counted } = countingAdapter(inbox);
    const adapters: ChannelAdapters = { inbox: adapter };
    const loop = async () => {
      while ((await runDispatchBatch(database.db, systemClock, adapters, 25)).taken > 0);
    };
    await Promise.all([loop(), loop(), loop(), loop()]);
    expect([...counted.values()].every((n) => n === 1)).toBe(true);
    const statuses = await rows<{ status: string; reason: string | null; n: number }>(
      database.db,
      sql`select status, reason, count(*)::int as n from messages where workspace_id = ${ws.id}::uuid group by status, reason order by status`,
    );
    // A customer's two targeted messages often land in batches judged at the same moment; the cap holds anyway.
    expect(statuses).toEqual([
      { status: "delivered", reason: null, n: 400 },
      { status: "suppressed", reason: "frequency_cap", n: 200 },
    ]);
    const delivered = counted.size;
    expect(delivered).toBe(400);
    const [inboxCount] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from inbox_items where workspace_id = ${ws.id}::uuid`);
    expect(inboxCount?.n).toBe(delivered);
  });
});
