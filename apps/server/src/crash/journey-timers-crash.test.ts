import { describe, expect, it } from "vitest";
import { CreateJourneyBody, MessagingSettings } from "@siyu/contracts";
import { fixedClock, newId, systemContext } from "@siyu/core";
import { startFakeAliyunSms } from "@siyu/core/testing";
import { sql } from "@siyu/storage/orm";
import { testServerUrl } from "@siyu/storage/testing";
import { openStores } from "../compose";
import { childEnv, crashConfig, crashFolder, crashWorkspace } from "./crash-store";
import { freePort, sleep, spawnServer, type ServerProcess } from "./server-process";

/**
 * kill -9 while journey timers fire: every customer waits in a live journey (api trigger → wait
 * 1 minute → SMS) on a wait that is already due (entered two minutes ago). The real `siyu start` moves the runs past the wait
 * (queueing one outbox row each) and its dispatcher hands the SMS to an Aliyun stand-in in this
 * process, while the test SIGKILLs it several times and starts it again. Afterwards each customer
 * got exactly one message: the stand-in saw every message id, the outbox holds one `delivered` row
 * per customer for the send node. A kill between hand-over and recording sends that message again
 * after its lease with the same id (OutId): the stand-in recognises it; the test reports how often.
 * The embedded store by default; a fresh database on the PostgreSQL server under `npm run test:pg`.
 */
// CI runs 2,000 (about 90 s embedded, 45 s on the server on this machine); the issue's 10,000 with
// SIYU_CRASH_JOURNEY_MEMBERS=10000 (about 190 s embedded on a loaded machine; see docs/modules/journeys.md).
const MEMBERS = Number(process.env.SIYU_CRASH_JOURNEY_MEMBERS || 2_000);
const KILLS = 4;
const READY_MS = Number(process.env.SIYU_CRASH_READY_MS || 180_000);
/** Short, so a message lost in flight by a kill is retried within the test rather than after 5 minutes. */
const LEASE_SECONDS = 3;

const { tmp, dataDir, cleanups } = crashFolder("journey");

describe(`journey timers under kill -9 (${testServerUrl() ? "postgres" : "pglite"})`, () => {
  it(`delivers the message of each of ${MEMBERS} customers exactly once`, { timeout: 900_000 }, async () => {
    const { config, target } = await crashConfig(dataDir, cleanups);
    const sms = await startFakeAliyunSms({ accessKeyId: "LTAI-crash", accessKeySecret: "crash-secret", signNames: ["思域茶饮"], templates: { SMS_CRASH: ["name"] } });
    cleanups.push(() => sms.close());

    // Customers, their consent, the template, the settings and the journey are written with no worker
    // running; entering happens two minutes ago, so every run's one-minute wait is already due.
    const { workspaceId, stores, services } = await crashWorkspace(config, fixedClock(new Date(Date.now() - 2 * 60_000)));
    const ctx = systemContext(workspaceId);
    const db = stores.database.db;
    const ids = Array.from({ length: MEMBERS }, () => newId());
    for (let i = 0; i < ids.length; i += 20_000) {
      const page = ids.slice(i, i + 20_000);
      await db.execute(sql`insert into profiles (id, workspace_id, name, phone, created_at, updated_at)
        select id, ${workspaceId}::uuid, '顾客' || n, '+86139' || lpad((${i} + n)::text, 8, '0'), now(), now()
        from unnest(${`{${page.join(",")}}`}::uuid[]) with ordinality as t(id, n)`);
    }
    await db.execute(sql`insert into consents (workspace_id, profile_id, channel, purpose, granted, source, updated_at, updated_by)
      select workspace_id, id, 'sms', 'marketing', true, 'import', now(), 'crash test' from profiles where workspace_id = ${workspaceId}::uuid`);
    await services.messaging.replaceSettings(
      ctx,
      MessagingSettings.parse({
        channels: {
          sms: {
            enabled: true,
            config: { provider: "aliyun", accessKeyId: "LTAI-crash", accessKeySecret: "crash-secret", signName: "思域茶饮", endpoint: sms.url },
          },
        },
        // Quiet hours would hold marketing messages until morning whenever the test runs at night.
        quietHours: { enabled: false },
      }),
    );
    const template = await services.messaging.templates.create(ctx, {
      name: "Crash",
      channel: "sms",
      purpose: "marketing",
      content: { "zh-CN": { providerTemplate: "SMS_CRASH", params: { name: "{{ profile.name }}" } } },
    });
    const at = { x: 0, y: 0 };
    const journey = await services.journeys.create(
      ctx,
      CreateJourneyBody.parse({
        name: "Crash",
        graph: {
          nodes: [
            { id: "t", type: "trigger", position: at, trigger: { kind: "api" } },
            { id: "wait", type: "wait", position: at, wait: { kind: "duration", minutes: 1 } },
            { id: "send", type: "action", position: at, action: { kind: "send", channel: "sms", templateId: template.id } },
            { id: "end", type: "exit", position: at },
          ],
          edges: [
            { from: "t", to: "wait", handle: "next" },
            { from: "wait", to: "send", handle: "next" },
            { from: "send", to: "end", handle: "next" },
          ],
        },
      }),
    );
    await services.journeys.publish(ctx, journey.id);
    // The first customer enters through the service (the engine writes the run and its steps); the
    // others get copies of that run and its steps, set-based: entering 10,000 one by one takes minutes
    // on a small machine, and the timers, not the entries, are under test.
    const [entered] = (await services.journeys.enter(ctx, journey.id, { entries: [{ profileId: ids[0]!, idempotencyKey: ids[0]!, variables: {} }] })).items;
    expect(entered).toMatchObject({ status: "started" });
    await db.execute(sql`with t as (select * from journey_runs where id = ${entered!.runId}::uuid),
        src as materialized (select p.id as profile_id, gen_random_uuid() as run_id from profiles p where p.workspace_id = ${workspaceId}::uuid and p.id <> ${ids[0]!}::uuid),
        runs as (insert into journey_runs (id, workspace_id, journey_id, version, profile_id, status, holdout, current_node_id, step_count, entry_key, entered_at, ended_at,
            trigger_kind, trigger_event, trigger_properties, trigger_seq, triggered_at, context, due_at, wait_event, wait_where, goal_until, goal_reached_at, goal_revenue_minor, error, updated_at)
          select s.run_id, t.workspace_id, t.journey_id, t.version, s.profile_id, t.status, t.holdout, t.current_node_id, t.step_count, 'api:' || s.profile_id, t.entered_at, t.ended_at,
            t.trigger_kind, t.trigger_event, t.trigger_properties, t.trigger_seq, t.triggered_at, t.context, t.due_at, t.wait_event, t.wait_where, t.goal_until, t.goal_reached_at, t.goal_revenue_minor, t.error, t.updated_at
          from src s cross join t)
      insert into journey_steps (id, workspace_id, journey_id, run_id, step_no, node_id, entered_at, outcome, detail)
      select gen_random_uuid(), st.workspace_id, st.journey_id, s.run_id, st.step_no, st.node_id, st.entered_at, st.outcome, st.detail
      from src s cross join journey_steps st where st.run_id = ${entered!.runId}::uuid`);
    const seeded = (await db.execute(sql`select count(*)::int as n, count(*) filter (where due_at <= now() and current_node_id = 'wait')::int as due
        from journey_runs where journey_id = ${journey.id}::uuid and status = 'active'`)) as unknown as { rows: { n: number; due: number }[] };
    expect(seeded.rows[0]).toEqual({ n: MEMBERS, due: MEMBERS });
    await stores.warehouse.close();
    await stores.database.close();

    const port = await freePort();
    const env = childEnv(process.env, dataDir, port, target, { SIYU_MESSAGING_LEASE_SECONDS: String(LEASE_SECONDS) });
    // The child is not asked anything while it works: on the embedded store each worker batch holds
    // the event loop for as long as its transaction runs (seconds on a busy 2-core machine), so HTTP
    // answers come late. Progress is what the stand-in accepted; how many runs had passed the wait at
    // each kill is read afterwards from the outbox (a message's created_at is its timer batch's time).
    const alive = async (server: ServerProcess) => {
      let gone: string | null = null;
      void server.exited.then((how) => (gone = how));
      const deadline = Date.now() + READY_MS;
      while (Date.now() < deadline) {
        if (gone) throw new Error(`siyu start exited (${gone}):\n${server.output()}`);
        if (server.output().includes("Siyu is running")) return;
        await sleep(50);
      }
      throw new Error(`siyu start did not start within ${READY_MS} ms:\n${server.output()}`);
    };

    const started = Date.now();
    let server: ServerProcess = spawnServer(env, tmp);
    cleanups.push(async () => void (await server.kill9()));
    await alive(server);
    const kills: { at: Date; delivered: number }[] = [];
    for (let k = 1; k <= KILLS; k++) {
      // The first kill comes with the first messages, while the timers are still moving runs (they go
      // 500 a batch, the dispatcher 200); the others at 1/4, 2/4, 3/4 of the messages handed over.
      const mark = k === 1 ? Math.max(1, Math.floor(MEMBERS / 100)) : Math.floor((MEMBERS * (k - 1)) / KILLS);
      while (sms.distinctOutIds() < mark) await sleep(20);
      await sleep(Math.floor(Math.random() * 80));
      kills.push({ at: new Date(), delivered: sms.distinctOutIds() });
      await server.kill9();
      server = spawnServer(env, tmp);
      await alive(server);
    }
    // Messages lost in flight by the last kill go out again once their lease runs out.
    const deadline = Date.now() + 300_000;
    while (sms.distinctOutIds() < MEMBERS && Date.now() < deadline) await sleep(100);
    // The stand-in may have seen every id while some rows are still to be recorded (handed over just
    // before a kill: their retry, after the lease, records them). Stop, look at the outbox, and let the
    // server run again while anything is left unfinished.
    const unfinished: string[] = [];
    for (;;) {
      await sleep(LEASE_SECONDS * 1000 + 1000);
      await server.stop();
      const look = await openStores(config);
      const left = (await look.database.db.execute(
        sql`select status, count(*)::int as n from messages where journey_id = ${journey.id}::uuid and status <> 'delivered' group by status`,
      )) as unknown as { rows: { status: string; n: number }[] };
      await look.warehouse.close();
      await look.database.close();
      if (left.rows.length === 0 || Date.now() > deadline) break;
      unfinished.push(left.rows.map((r) => `${r.n} ${r.status}`).join(", "));
      server = spawnServer(env, tmp);
      await alive(server);
    }
    const seconds = (Date.now() - started) / 1000;

    const after = await openStores(config);
    cleanups.push(async () => {
      await after.warehouse.close();
      await after.database.close();
    });
    const result = (await after.database.db.execute(sql`
      select (select count(*)::int from journey_runs where journey_id = ${journey.id}::uuid and status = 'completed') as runs_completed,
             (select count(*)::int from messages where journey_id = ${journey.id}::uuid and node_id = 'send') as messages,
             (select count(distinct profile_id)::int from messages where journey_id = ${journey.id}::uuid and node_id = 'send') as customers,
             (select count(*)::int from messages where journey_id = ${journey.id}::uuid and node_id = 'send' and status = 'delivered') as delivered,
             (select count(*)::int from journey_steps where journey_id = ${journey.id}::uuid and node_id = 'send') as send_steps,
             (select coalesce(sum(attempts), 0)::int from messages where journey_id = ${journey.id}::uuid and node_id = 'send') as attempts`)) as unknown as {
      rows: { runs_completed: number; messages: number; customers: number; delivered: number; send_steps: number; attempts: number }[];
    };
    const counted = result.rows[0]!;
    const outIds = new Set(sms.sends.map((s) => s.outId));
    const messageIds = new Set(
      ((await after.database.db.execute(sql`select id from messages where journey_id = ${journey.id}::uuid`)) as unknown as { rows: { id: string }[] }).rows.map((r) => r.id),
    );
    const duplicates = sms.sends.length - outIds.size;
    const killedAt: string[] = [];
    for (const kill of kills) {
      const past = (await after.database.db.execute(
        sql`select count(*)::int as n from messages where journey_id = ${journey.id}::uuid and created_at <= ${kill.at.toISOString()}::timestamptz`,
      )) as unknown as { rows: { n: number }[] };
      killedAt.push(`${past.rows[0]!.n} past the wait / ${kill.delivered} delivered`);
    }
    console.log(
      `journey timers crash: ${MEMBERS} customers, killed at ${killedAt.join("; ")}; ${sms.sends.length} sends accepted for ${outIds.size} message ids ` +
        `(${duplicates} repeated deliveries of the same id after a kill), ${counted.attempts} attempts recorded, ` +
        `unfinished when the stand-in had seen every id: ${unfinished.join(" / ") || "none"}, ${seconds.toFixed(1)} s from the first start`,
    );
    expect(counted).toMatchObject({ runs_completed: MEMBERS, messages: MEMBERS, customers: MEMBERS, delivered: MEMBERS, send_steps: MEMBERS });
    expect(outIds.size).toBe(MEMBERS);
    // Every id the stand-in saw is a message of the outbox (no message was sent under a second id).
    expect([...outIds].every((id) => id !== null && messageIds.has(id))).toBe(true);
    // One phone, one id: no customer got two different messages.
    expect(new Set(sms.sends.map((s) => s.phoneNumbers)).size).toBe(MEMBERS);
    // Retries of one id (reported above, not bounded here) come from a process ending between hand-over
    // and recording, and from leases (3 s in this test) running out while a loaded dispatcher is still
    // recording its batch: the receiver recognises them by id, which is what exactly once rests on.
  });
});
