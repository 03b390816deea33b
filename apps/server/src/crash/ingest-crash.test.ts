import { cpSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { consumerPosition, createCoreServices, lastSeq, PROFILE_PROJECTOR, systemClock, systemContext } from "@siyu/core";
import { sql } from "@siyu/storage/orm";
import { testServerUrl } from "@siyu/storage/testing";
import { openStores } from "../compose";
import { startSiyu } from "../start";
import { BatchFactory, makePeople, randomInt, recomputeStats, seededRng, type Message, type StoredEvent } from "./crash-workload";
import { childEnv, crashConfig, crashFolder } from "./crash-store";
import { freePort, postUntilAnswered, sleep, spawnServer, waitUntilReady, type ServerProcess } from "./server-process";

/**
 * kill -9 while events arrive: the real `siyu start` runs in a child process, the
 * test sends batches and retries each one (same message ids) until it gets a 2xx,
 * and SIGKILLs the child at seeded random moments — while it answers, while its
 * projector works, once while it is still starting. Afterwards every acknowledged
 * event must be in the log exactly once and every profile must equal a
 * recomputation from the logged events. The embedded store by default; a fresh
 * database on the PostgreSQL server under `npm run test:pg`.
 */
const SEED = Number(process.env.SIYU_CRASH_SEED || 20_261_123);
const KILLS = 5;
const PEOPLE = 40;
const SENDERS = 2;
/** Batches still sent after the last restart, so the last process does real work too. */
const BATCHES_AFTER_LAST_KILL = 10;
const MAX_BATCHES = 1_500;
/** More than one projector batch (2,000): the kill right after its answer leaves a backlog. */
const BIG_BATCH = 3_000;
const snapshots = process.env.SIYU_CRASH_SNAPSHOTS || null;
const started = Date.now();
const trace = process.env.SIYU_CRASH_TRACE ? (line: string) => console.log(`[crash +${Date.now() - started} ms] ${line}`) : () => {};

const { tmp, dataDir, cleanups } = crashFolder("ingest");

interface DeliveryStats {
  batches: number;
  messages: number;
  attempts: number;
  failedAttempts: number;
  retriedBatches: number;
  /** Batches that were durable although their answer was lost to a kill: the retry found them all as duplicates. */
  committedBeforeKill: number;
  deliberateDuplicates: number;
}

describe(`ingestion under kill -9 (${testServerUrl() ? "postgres" : "pglite"})`, () => {
  it("keeps every acknowledged event exactly once and projects profiles that match the log", { timeout: 240_000 }, async () => {
    const { config, target } = await crashConfig(dataDir, cleanups);

    // The first start (store, owner, workspace) and an ingest key happen here, before any child runs.
    const first = await startSiyu({ ...config, port: 0, host: "127.0.0.1", log: false });
    const owner = first.initialOwner!;
    const { secret } = await first.siyu.services.apiKeys.create(systemContext(owner.workspaceId), { name: "crash test", scope: "ingest" });
    await first.close();

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = childEnv(process.env, dataDir, port, target, { SIYU_LOG_LEVEL: process.env.SIYU_CRASH_TRACE ? "warn" : "silent", SIYU_RATE_LIMIT_PER_KEY: "1000000", SIYU_RATE_LIMIT_PER_IP: "1000000" });

    let server: ServerProcess = spawnServer(env, tmp);
    cleanups.push(async () => void (await server.kill9()));
    await waitUntilReady(url, server);

    const runId = SEED.toString(36);
    const people = makePeople(seededRng(SEED), PEOPLE, runId);
    const factory = new BatchFactory(seededRng(SEED + 1), people, runId);
    const sizes = seededRng(SEED + 2);
    const killRng = seededRng(SEED + 3);
    const acknowledged = new Set<string>();
    const stats: DeliveryStats = { batches: 0, messages: 0, attempts: 0, failedAttempts: 0, retriedBatches: 0, committedBeforeKill: 0, deliberateDuplicates: 0 };
    const authorization = `Basic ${Buffer.from(`${secret}:`).toString("base64")}`;

    async function deliver(batch: Message[]): Promise<void> {
      const ids = batch.map((m) => m.messageId);
      const fresh = new Set(ids.filter((id) => !acknowledged.has(id)));
      const body = JSON.stringify({ batch });
      stats.batches += 1;
      stats.messages += batch.length;
      const { res, attempt } = await postUntilAnswered(
        `${url}/v1/batch`,
        { headers: { authorization, "content-type": "application/json" }, body, timeoutMs: 30_000 },
        { attempted: () => void (stats.attempts += 1), failed: () => void (stats.failedAttempts += 1), maxDown: 1_000 },
      );
      const text = await res.text();
      expect(res.status, text).toBe(200);
      const result = JSON.parse(text) as { accepted: number; duplicates: number; errors: unknown[] };
      expect(result.errors).toEqual([]);
      // The batch is one statement: a lost answer means all of its new events were already in, or none.
      const committedEarlier = fresh.size - result.accepted;
      expect(committedEarlier === 0 || (attempt > 1 && committedEarlier === fresh.size), `batch ${stats.batches}: ${text}`).toBe(true);
      expect(result.accepted + result.duplicates).toBe(batch.length);
      if (attempt > 1) stats.retriedBatches += 1;
      if (stats.batches % 50 === 0 || attempt > 1) trace(`batch ${stats.batches} acknowledged after ${attempt} attempt(s): ${text}`);
      if (committedEarlier > 0) stats.committedBeforeKill += 1;
      for (const id of ids) acknowledged.add(id);
    }

    let killsDone = 0;
    let batchesAfterLastKill = 0;
    function kill(k: number, when: string) {
      return server.kill9().then(() => {
        // To replay a start on the exact folder a kill left behind: SIYU_CRASH_SNAPSHOTS=/some/dir.
        if (snapshots) cpSync(dataDir, join(snapshots, `after-kill-${k}`), { recursive: true });
        trace(`kill ${k} (${when}); ${stats.batches} batches so far`);
        server = spawnServer(env, tmp);
        killsDone += 1;
      });
    }

    // Kill 1: just after a big batch is acknowledged, with no other traffic, so the restarted
    // process starts with a projector backlog and nothing else has touched the store yet.
    const big = factory.next(BIG_BATCH);
    await deliver(big);
    factory.acknowledge(big);
    await kill(1, "projector backlog");
    await waitUntilReady(url, server);

    // Then under load: one kill while the process is still starting (recovery, migrations), the
    // others at random moments while both senders are busy.
    const killer = (async () => {
      for (let k = 2; k <= KILLS; k++) {
        const duringStart = k === 3;
        if (duringStart) await sleep(randomInt(killRng, 200, 1_200));
        else {
          await waitUntilReady(url, server);
          await sleep(randomInt(killRng, 300, 2_500));
        }
        await kill(k, duringStart ? "while starting" : "under load");
      }
      await waitUntilReady(url, server);
    })();

    async function sender(): Promise<void> {
      while (stats.batches < MAX_BATCHES && (killsDone < KILLS || batchesAfterLastKill < BATCHES_AFTER_LAST_KILL)) {
        const batch = factory.next(randomInt(sizes, 10, 60));
        await deliver(batch);
        factory.acknowledge(batch);
        if (killsDone === KILLS) batchesAfterLastKill += 1;
        await sleep(10);
      }
    }
    await Promise.all([killer, ...Array.from({ length: SENDERS }, sender)]);
    const closing = factory.closing();
    if (closing.length > 0) {
      await deliver(closing);
      factory.acknowledge(closing);
    }
    stats.deliberateDuplicates = factory.deliberateDuplicates;
    expect(killsDone).toBe(KILLS);
    expect(await server.stop()).toBe("exit 0");

    // Verify on the store itself, with the projector drained here.
    const { database, warehouse } = await openStores(config);
    cleanups.push(async () => {
      await warehouse.close();
      await database.close();
    });
    const services = createCoreServices({ db: database.db, clock: systemClock, settings: { access: config.access } });
    const leftForProjector = (await lastSeq(database.db)) - (await consumerPosition(database.db, PROFILE_PROJECTOR));
    while ((await services.projectNextBatch()) > 0);
    expect(await consumerPosition(database.db, PROFILE_PROJECTOR)).toBe(await lastSeq(database.db));

    const rows = async <T>(query: ReturnType<typeof sql>) => ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;
    const ws = owner.workspaceId;
    const logged = await rows<{ message_id: string; user_id: string | null; anonymous_id: string | null; event: string | null; properties: Record<string, unknown> | string | null }>(
      sql`select message_id, user_id, anonymous_id, event, payload->'properties' as properties from events_log where workspace_id = ${ws} order by seq`,
    );
    // (a) the log holds exactly the acknowledged messages, each once.
    const loggedIds = logged.map((r) => r.message_id);
    expect(new Set(loggedIds).size).toBe(loggedIds.length);
    expect(loggedIds.length).toBe(acknowledged.size);
    expect(loggedIds.filter((id) => !acknowledged.has(id))).toEqual([]);

    // (b) profiles equal a recomputation from the logged events.
    const events: StoredEvent[] = logged.map((r) => ({
      messageId: r.message_id,
      userId: r.user_id,
      anonymousId: r.anonymous_id,
      event: r.event,
      properties: typeof r.properties === "string" ? (JSON.parse(r.properties) as Record<string, unknown>) : r.properties,
    }));
    const expected = recomputeStats(people, events);
    const profiles = await rows<{ user_id: string; merged_into: string | null; event_count: number; order_count: number; total_spend_minor: string | number; phone: string | null }>(
      sql`select i.value as user_id, p.merged_into, p.event_count, p.order_count, p.total_spend_minor, p.phone
          from identity_identifiers i join profiles p on p.id = i.profile_id
          where i.workspace_id = ${ws} and i.type = 'user_id'`,
    );
    const actual = new Map(
      profiles.map((p) => [p.user_id, { events: p.event_count, orders: p.order_count, spendMinor: Number(p.total_spend_minor), phone: p.phone, merged: p.merged_into }]),
    );
    for (const person of people) {
      const want = expected.get(person.userId)!;
      expect(actual.get(person.userId), person.userId).toEqual({ ...want, phone: person.e164, merged: null });
    }
    // Each person is one profile: their user id, anonymous id and phone all point at it.
    const owners = await rows<{ value: string; profile_id: string }>(
      sql`select value, profile_id from identity_identifiers where workspace_id = ${ws}`,
    );
    const profileOf = new Map(owners.map((o) => [o.value, o.profile_id]));
    for (const person of people) {
      expect([profileOf.get(person.anonymousId), profileOf.get(person.e164)], person.userId).toEqual([
        profileOf.get(person.userId),
        profileOf.get(person.userId),
      ]);
    }
    const [activity] = await rows<{ n: string | number }>(
      sql`select coalesce(sum(event_count), 0)::bigint as n from profile_activity where workspace_id = ${ws}`,
    );
    expect(Number(activity!.n)).toBe(logged.length);
    const [live] = await rows<{ n: number }>(
      sql`select count(*)::int as n from profiles where workspace_id = ${ws} and merged_into is null and event_count > 0`,
    );
    expect(live!.n).toBe(PEOPLE);

    console.log(
      `[crash ${target ? "postgres" : "pglite"}] seed ${SEED}: ${KILLS} kills; ${stats.batches} batches, ${stats.messages} messages ` +
        `(${stats.deliberateDuplicates} deliberate duplicates), ${acknowledged.size} events logged; ${stats.attempts} requests, ` +
        `${stats.failedAttempts} failed and retried; ${stats.retriedBatches} batches needed a retry, ${stats.committedBeforeKill} of them ` +
        `were already durable (answer lost to the kill); ${leftForProjector} events left for the projector after the last stop.`,
    );
  });
});
