import { describe, expect, it } from "vitest";
import { newId, systemContext } from "@siyu/core";
import { sql } from "@siyu/storage/orm";
import { testServerUrl } from "@siyu/storage/testing";
import { openStores } from "../compose";
import { childEnv, crashConfig, crashFolder, crashWorkspace } from "./crash-store";
import { freePort, postUntilAnswered, sleep, spawnServer, waitUntilReady, type ServerProcess } from "./server-process";

/**
 * kill -9 under group-committed points adjustments and coupon redemptions: the real `siyu start` answers
 * 16 senders, each with several requests in flight, each request retried (same idempotency key, same
 * order id) until it is answered; the test SIGKILLs the child three times while batches are being
 * committed. Afterwards every key holds exactly one entry, every member's balance is the sum of the
 * deltas sent for them (and of their entries), and every coupon is redeemed once, against its order.
 * The embedded store by default; a fresh database on the PostgreSQL server under `npm run test:pg`.
 */
const MEMBERS = 200;
const ADJUSTMENTS = Number(process.env.SIYU_CRASH_LOYALTY_REQUESTS || 3_000);
const SENDERS = 16;
const IN_FLIGHT = 4;
const KILLS = 3;

const { tmp, dataDir, cleanups } = crashFolder("loyalty");

describe(`group-committed points and coupons under kill -9 (${testServerUrl() ? "postgres" : "pglite"})`, () => {
  it("moves every point and every coupon exactly once", { timeout: 600_000 }, async () => {
    const { config, target } = await crashConfig(dataDir, cleanups);

    const { workspaceId, stores, services } = await crashWorkspace(config);
    const ctx = systemContext(workspaceId);
    const members = Array.from({ length: MEMBERS }, () => newId());
    await stores.database.db.execute(sql`insert into profiles (id, workspace_id, created_at, updated_at)
      select unnest(${`{${members.join(",")}}`}::uuid[]), ${workspaceId}::uuid, now(), now()`);
    const template = await services.coupons.createTemplate(ctx, { name: "Crash", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 30 }, perMemberLimit: null });
    const codes: string[] = [];
    for (const m of members) codes.push((await services.coupons.claim(ctx, template.id, m)).coupon.code);
    const { secret } = await services.apiKeys.create(ctx, { name: "crash test", scope: "admin" });
    await stores.warehouse.close();
    await stores.database.close();

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = childEnv(process.env, dataDir, port, target, { SIYU_RATE_LIMIT_PER_KEY: "1000000", SIYU_RATE_LIMIT_PER_IP: "1000000" });

    // The requests: adjustments of +1…+9 to members in turn, and one redemption per coupon (order i).
    const requests: { path: string; body: Record<string, unknown>; member?: string; delta?: number }[] = [];
    for (let i = 0; i < ADJUSTMENTS; i++) {
      const member = members[(i * 7) % MEMBERS]!;
      const delta = 1 + (i % 9);
      requests.push({ path: `/customers/${member}/points/adjustments`, body: { delta, reason: "crash test", idempotencyKey: `crash-${i}` }, member, delta });
      if (i % (ADJUSTMENTS / MEMBERS) === 0 && codes.length > 0) {
        const n = MEMBERS - codes.length;
        requests.push({ path: "/coupons/redemptions", body: { code: codes.shift()!, orderId: `order-${n}`, orderTotalMinor: 10_000 } });
      }
    }
    const stats = { attempts: 0, failed: 0, replayedAfterRetry: 0, answered: 0 };
    const refused: string[] = [];
    async function send(r: (typeof requests)[number]): Promise<void> {
      const { res, attempt } = await postUntilAnswered(
        `${url}/api/v1/workspaces/${workspaceId}${r.path}`,
        { headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" }, body: JSON.stringify(r.body), timeoutMs: 60_000 },
        { attempted: () => void (stats.attempts += 1), failed: () => void (stats.failed += 1), maxDown: 2_000 },
      );
      const answer = (await res.json()) as { replayed?: boolean; code?: string };
      if (res.status >= 400) refused.push(`${res.status} ${answer.code} ${JSON.stringify(r.body)}`);
      else if (answer.replayed && attempt > 1) stats.replayedAfterRetry += 1;
      stats.answered += 1;
    }

    let server: ServerProcess = spawnServer(env, tmp);
    cleanups.push(async () => void (await server.kill9()));
    await waitUntilReady(url, server);
    let next = 0;
    const senders = Promise.all(
      Array.from({ length: SENDERS * IN_FLIGHT }, async () => {
        while (next < requests.length) await send(requests[next++]!);
      }),
    );
    const kills: number[] = [];
    for (let k = 1; k <= KILLS; k++) {
      const mark = Math.floor((requests.length * k) / (KILLS + 1));
      while (stats.answered < mark) await sleep(10);
      await sleep(Math.floor(Math.random() * 50));
      kills.push(stats.answered);
      await server.kill9();
      server = spawnServer(env, tmp);
      await waitUntilReady(url, server, 180_000);
    }
    await senders;
    await server.stop();

    const after = await openStores(config);
    cleanups.push(async () => {
      await after.warehouse.close();
      await after.database.close();
    });
    const db = after.database.db;
    const q = async <T>(query: ReturnType<typeof sql>) => ((await db.execute(query)) as unknown as { rows: T[] }).rows;
    const entries = await q<{ key: string; profile_id: string; delta: string }>(
      sql`select idempotency_key as key, profile_id, delta from points_entries where workspace_id = ${workspaceId}::uuid and idempotency_key like 'crash-%'`,
    );
    const accounts = await q<{ profile_id: string; available: string }>(sql`select profile_id, available from points_accounts where workspace_id = ${workspaceId}::uuid`);
    const redeemed = await q<{ code: string; order_id: string }>(sql`select code, order_id from coupons where workspace_id = ${workspaceId}::uuid and status = 'redeemed'`);
    console.log(
      `loyalty group-commit crash: ${requests.length} requests, killed at ${kills.join(", ")} answered; ${stats.attempts} attempts, ${stats.failed} failed and retried, ` +
        `${stats.replayedAfterRetry} retries found their first attempt committed (answered as replays)`,
    );

    expect(refused).toEqual([]);
    expect(entries).toHaveLength(ADJUSTMENTS);
    expect(new Set(entries.map((e) => e.key)).size).toBe(ADJUSTMENTS);
    const expected = new Map<string, number>();
    for (const r of requests) if (r.member) expected.set(r.member, (expected.get(r.member) ?? 0) + r.delta!);
    const ledger = new Map<string, number>();
    for (const e of entries) ledger.set(e.profile_id, (ledger.get(e.profile_id) ?? 0) + Number(e.delta));
    expect(Object.fromEntries(accounts.map((a) => [a.profile_id, Number(a.available)]))).toEqual(Object.fromEntries(expected));
    expect(Object.fromEntries(ledger)).toEqual(Object.fromEntries(expected));
    const sentOrders = new Map(requests.filter((r) => !r.member).map((r) => [r.body.code as string, r.body.orderId as string]));
    expect(new Map(redeemed.map((c) => [c.code, c.order_id]))).toEqual(sentOrders);
  });
});
