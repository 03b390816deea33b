/**
 * Journeys benchmark, on the embedded store:
 *
 * 1. Trigger → outbox latency. A Siyu server (stores, HTTP, the worker) with a live journey
 *    "event Bench Triggered → send (inbox) → exit"; Segment track calls go to /v1/batch at a target
 *    rate for N seconds (a batch every 100 ms), each from a new customer. Latency per event = the
 *    outbox row's created_at − the event's received_at (the log), i.e. the projector, the
 *    journeys.triggers consumer and the engine in between (created_at is when the journeys batch
 *    that queued the row began: its own work and commit come after). Reported p50 / p99 / max per
 *    rate, with the rate the server actually took and how many events reached the outbox; and
 *    received → delivered (the inbox item written, the dispatcher's outcome recorded): everything.
 *    --warmup-seconds (default 3) are sent at the same rate first and not measured: a cold process
 *    compiles its code and plans its statements on its first batches, which were the p99.
 * 2. Timers fired per second: N runs waiting on a one-minute wait that is already due (followed by a
 *    send), moved by runDueJourneyTimers in batches of 500 on a store with no worker.
 * 3. (--stage-events N) Each stage of the pipeline alone, on a store with no worker: N events of N
 *    new customers ingested, then projected, read by the loyalty consumers, turned into runs and
 *    outbox rows, delivered, loaded into the warehouse — each stage drained before the next, in
 *    batches of --stage-batch. Its time per 1,000 events is the stage's share of what the one
 *    connection has to do for each event at the live rate.
 *
 *   npm run bench:journeys -- --rates 1000,10000 --seconds 10 --timer-runs 10000 [--stage-events 5000] [--statements] [--background-pause-ms 0]
 *
 * --statements times every SQL statement of the trigger phase and prints where the SQL time went.
 *
 * The load generator runs in the server's process (the server's CPU is not its own): figures are
 * lower bounds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CreateJourneyBody, MessagingSettings, type JourneyNode } from "@siyu/contracts";
import { createCoreServices, fixedClock, loadEventsIntoWarehouse, newId, systemClock, systemContext, type CoreServices } from "@siyu/core";
import type { Db } from "@siyu/storage";
import { sql } from "@siyu/storage/orm";
import { openStores, parseConfig, startSiyu } from "@siyu/server";
import { formatMachine, machineInfo } from "./lib/machine";
import { timeStatements } from "./lib/statement-timer";

const { values: args } = parseArgs({
  options: {
    rates: { type: "string", default: "1000,10000" },
    seconds: { type: "string", default: "10" },
    "timer-runs": { type: "string", default: "10000" },
    /** Each stage of the pipeline alone on N events (ingest, projector, loyalty, journeys, dispatcher, warehouse), in batches of --stage-batch. */
    "stage-events": { type: "string", default: "0" },
    "stage-batch": { type: "string", default: "200" },
    /** Time every SQL statement of the trigger phase (PGlite) and print where the SQL time went. */
    statements: { type: "boolean", default: false },
    "drain-seconds": { type: "string", default: "300" },
    /** Seconds sent at the same rate before the measured ones, not measured: the process warms up. */
    "warmup-seconds": { type: "string", default: "3" },
    /** The server's SIYU_BACKGROUND_BATCH_PAUSE_MS (its default when not given): 0 runs loyalty and the warehouse loader back to back. */
    "background-pause-ms": { type: "string" },
    /** Requests not answered this long after the last one was sent are abandoned (counted as unanswered): a rate far above what the server takes would otherwise queue for ever. */
    "answer-seconds": { type: "string", default: "120" },
  },
});
const RATES = args.rates === "" ? [] : args.rates.split(",").map(Number);
const ANSWER_SECONDS = Number(args["answer-seconds"]);
const SECONDS = Number(args.seconds);
const TIMER_RUNS = Number(args["timer-runs"]);
const STAGE_EVENTS = Number(args["stage-events"]);
const STAGE_BATCH = Number(args["stage-batch"]);
const DRAIN_SECONDS = Number(args["drain-seconds"]);
const WARMUP_SECONDS = Number(args["warmup-seconds"]);
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const log = (line: string) => console.log(line);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const at = { x: 0, y: 0 };

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function rowsOf<T>(db: Db, query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}

/** An inbox template (service: no consent needed) and the channel on. */
async function inboxTemplate(services: CoreServices, workspaceId: string): Promise<string> {
  const ctx = systemContext(workspaceId);
  await services.messaging.replaceSettings(ctx, MessagingSettings.parse({ channels: { inbox: { enabled: true } }, quietHours: { enabled: false } }));
  const t = await services.messaging.templates.create(ctx, { name: "Bench", channel: "inbox", purpose: "service", content: { "zh-CN": { subject: "你好", body: "{{ profile.name }}" } } });
  return t.id;
}

async function publish(services: CoreServices, workspaceId: string, first: JourneyNode, templateId: string, wait: boolean): Promise<string> {
  const ctx = systemContext(workspaceId);
  const nodes: JourneyNode[] = [
    first,
    ...(wait ? [{ id: "wait", type: "wait", position: at, wait: { kind: "duration", minutes: 1 } } as JourneyNode] : []),
    { id: "send", type: "action", position: at, action: { kind: "send", channel: "inbox", templateId, category: "service" } },
    { id: "end", type: "exit", position: at },
  ];
  const edges = wait
    ? [
        { from: first.id, to: "wait", handle: "next" },
        { from: "wait", to: "send", handle: "next" },
        { from: "send", to: "end", handle: "next" },
      ]
    : [
        { from: first.id, to: "send", handle: "next" },
        { from: "send", to: "end", handle: "next" },
      ];
  const j = await services.journeys.create(ctx, CreateJourneyBody.parse({ name: "Bench", graph: { nodes, edges } }));
  await services.journeys.publish(ctx, j.id);
  return j.id;
}

const statementTimer = args.statements ? timeStatements() : null;
statementTimer?.pause();

async function triggerLatency(rate: number) {
  const dir = mkdtempSync(join(tmpdir(), "siyu-bench-journeys-"));
  try {
    const running = await startSiyu({
      dataDir: join(dir, "data"),
      demo: false,
      port: 0,
      host: "127.0.0.1",
      logLevel: "warn",
      rateLimitPerIpPerMinute: 1_000_000_000,
      rateLimitPerKeyPerMinute: 1_000_000_000,
      log: false,
      ...(args["background-pause-ms"] === undefined ? {} : { backgroundBatchPauseMs: Number(args["background-pause-ms"]) }),
    });
    const { services, database } = running.siyu;
    const workspaceId = running.initialOwner!.workspaceId;
    const templateId = await inboxTemplate(services, workspaceId);
    const journeyId = await publish(services, workspaceId, { id: "t", type: "trigger", position: at, trigger: { kind: "event", event: "Bench Triggered", where: [], count: null } }, templateId, false);
    const { secret } = await services.apiKeys.create(systemContext(workspaceId), { name: "bench", scope: "ingest" });
    const authorization = `Basic ${Buffer.from(`${secret}:`).toString("base64")}`;
    const runId = Date.now().toString(36);

    /** Sends `seconds` of track calls at the rate, a /v1/batch every 100 ms whether or not the last was answered. */
    const offer = async (phase: string, seconds: number) => {
      let sent = 0;
      let accepted = 0;
      let failed = 0;
      const inFlight: Promise<void>[] = [];
      const perTick = Math.max(1, Math.round(rate / 10));
      const started = performance.now();
      for (let tick = 0; tick < seconds * 10; tick++) {
        const batch = Array.from({ length: perTick }, () => {
          const n = sent++;
          return { type: "track", messageId: `${phase}-${runId}-${n}`, userId: `${phase}-${runId}-u${n}`, event: "Bench Triggered", properties: { n }, timestamp: new Date().toISOString() };
        });
        inFlight.push(
          fetch(`${running.url}/v1/batch`, {
            method: "POST",
            headers: { authorization, "content-type": "application/json" },
            body: JSON.stringify({ batch }),
            signal: AbortSignal.timeout((seconds * 10 - tick) * 100 + ANSWER_SECONDS * 1000),
          }).then(
            async (res) => {
              await res.arrayBuffer();
              if (res.ok) accepted += batch.length;
              else failed += batch.length;
            },
            () => void (failed += batch.length),
          ),
        );
        const wait = started + (tick + 1) * 100 - performance.now();
        if (wait > 0) await sleep(wait);
      }
      const sendSeconds = (performance.now() - started) / 1000;
      await Promise.all(inFlight);
      return { sent, accepted, failed, sendSeconds, answeredSeconds: (performance.now() - started) / 1000 };
    };
    /** Until `expected` messages of the journey are in the outbox and delivered to the inbox (or the drain deadline). */
    const drain = async (expected: number) => {
      const deadline = performance.now() + DRAIN_SECONDS * 1000;
      for (;;) {
        const [counts] = await rowsOf<{ n: number; delivered: number }>(
          database.db,
          sql`select count(*)::int as n, (count(*) filter (where status = 'delivered'))::int as delivered from messages where journey_id = ${journeyId}::uuid`,
        );
        if ((counts!.n >= expected && counts!.delivered >= counts!.n) || performance.now() > deadline) return counts!.n;
        await sleep(250);
      }
    };

    // A warm-up at the same rate first (its events are not measured): a cold process compiles its
    // code and plans its statements on the first batches, which would otherwise be the p99.
    const warm = WARMUP_SECONDS > 0 ? await offer("warm", WARMUP_SECONDS) : { accepted: 0 };
    await drain(warm.accepted);

    statementTimer?.reset();
    statementTimer?.resume();
    const t0 = performance.now();
    const { sent, accepted, failed, sendSeconds, answeredSeconds } = await offer("bench", SECONDS);
    const queued = (await drain(warm.accepted + accepted)) - warm.accepted;
    const drainedSeconds = (performance.now() - t0) / 1000;
    if (statementTimer) {
      statementTimer.pause();
      log(`  SQL while ${rate}/s were sent and drained: ${fmt(statementTimer.totalMs() / 1000, 1)} s of ${fmt(drainedSeconds, 1)} s, ${fmt(statementTimer.totalCalls())} statements. The costliest:`);
      log(statementTimer.report(25));
    }
    // From the server's receipt (events_log.received_at) and from the client's send (the event's
    // timestamp, set when its batch was built: it includes the time the request waited for the server).
    // The outbox row's created_at is when the journeys batch that queued it began; delivered_at is when
    // the dispatcher recorded the inbox item written, i.e. trigger → handed to the channel, everything included.
    const samples = await rowsOf<{ received: number; sent: number; delivered: number | null }>(
      database.db,
      sql`select extract(epoch from (m.created_at - e.received_at)) * 1000 as received, extract(epoch from (m.created_at - r.triggered_at)) * 1000 as sent,
            extract(epoch from (m.delivered_at - e.received_at)) * 1000 as delivered
          from messages m join journey_runs r on r.id = m.run_id join events_log e on e.workspace_id = r.workspace_id and e.seq = r.trigger_seq
          where m.journey_id = ${journeyId}::uuid and e.message_id like 'bench-%'`,
    );
    const received = samples.map((r) => Number(r.received)).sort((a, b) => a - b);
    const fromClient = samples.map((r) => Number(r.sent)).sort((a, b) => a - b);
    const delivered = samples.filter((r) => r.delivered !== null).map((r) => Number(r.delivered)).sort((a, b) => a - b);
    await running.close();
    return {
      rate,
      sent,
      accepted,
      failed,
      sendSeconds,
      answeredSeconds,
      drainedSeconds,
      queued,
      p50: quantile(received, 0.5),
      p99: quantile(received, 0.99),
      max: received.at(-1) ?? NaN,
      clientP50: quantile(fromClient, 0.5),
      clientP99: quantile(fromClient, 0.99),
      deliveredP50: quantile(delivered, 0.5),
      deliveredP99: quantile(delivered, 0.99),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A data folder with its first workspace (made by one start of Siyu), opened again without the server or the worker. */
async function freshStore(dir: string) {
  const first = await startSiyu({ dataDir: join(dir, "data"), demo: false, port: 0, host: "127.0.0.1", logLevel: "warn", log: false });
  const workspaceId = first.initialOwner!.workspaceId;
  await first.close();
  const config = parseConfig({ dataDir: join(dir, "data"), demo: false, logLevel: "warn" });
  const stores = await openStores(config);
  return { workspaceId, config, stores, db: stores.database.db };
}

async function timersPerSecond(runs: number) {
  const dir = mkdtempSync(join(tmpdir(), "siyu-bench-journeys-"));
  try {
    const { workspaceId, config, stores, db } = await freshStore(dir);
    // Entered two minutes ago: every run's one-minute wait is due.
    const past = createCoreServices({ db, clock: fixedClock(new Date(Date.now() - 2 * 60_000)), settings: { access: config.access } });
    const templateId = await inboxTemplate(past, workspaceId);
    const journeyId = await publish(past, workspaceId, { id: "t", type: "trigger", position: at, trigger: { kind: "api" } }, templateId, true);
    const ids = Array.from({ length: runs }, () => newId());
    await db.execute(sql`insert into profiles (id, workspace_id, created_at, updated_at) select unnest(${`{${ids.join(",")}}`}::uuid[]), ${workspaceId}::uuid, now(), now()`);
    const entering = performance.now();
    for (let i = 0; i < ids.length; i += 1000) {
      await past.journeys.enter(systemContext(workspaceId), journeyId, { entries: ids.slice(i, i + 1000).map((profileId) => ({ profileId, idempotencyKey: profileId, variables: {} })) });
    }
    const enterSeconds = (performance.now() - entering) / 1000;
    const services = createCoreServices({ db, clock: systemClock, settings: { access: config.access } });
    const t = performance.now();
    let moved = 0;
    for (let n; (n = await services.journeyTimersNextBatch(500)) > 0; ) moved += n;
    const seconds = (performance.now() - t) / 1000;
    const queued = (await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from messages where journey_id = ${journeyId}::uuid`))[0]?.n ?? 0;
    await stores.warehouse.close();
    await stores.database.close();
    return { runs, moved, queued, seconds, enterSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Every stage of trigger → outbox → channel alone, in pipeline order, on a store with no worker: N
 * events of N new customers are ingested in requests of `batch`, then each consumer is drained in
 * batches of `batch` (the size a live server at the benchmark's rate works in) before the next one
 * starts. Each stage's time per 1,000 events is its share of the CPU the live pipeline needs.
 */
async function stagesAlone(events: number, batch: number) {
  const dir = mkdtempSync(join(tmpdir(), "siyu-bench-journeys-"));
  try {
    const { workspaceId, config, stores, db } = await freshStore(dir);
    const services = createCoreServices({ db, clock: systemClock, settings: { access: config.access } });
    const templateId = await inboxTemplate(services, workspaceId);
    const journeyId = await publish(services, workspaceId, { id: "t", type: "trigger", position: at, trigger: { kind: "event", event: "Bench Triggered", where: [], count: null } }, templateId, false);
    const runId = Date.now().toString(36);
    const stages: { name: string; seconds: number; batches: number }[] = [];
    const timed = async (name: string, step: () => Promise<number>) => {
      statementTimer?.reset();
      statementTimer?.resume();
      const t = performance.now();
      let batches = 0;
      while ((await step()) > 0) batches++;
      stages.push({ name, seconds: (performance.now() - t) / 1000, batches });
      statementTimer?.pause();
      if (statementTimer) log(`  ${name}: ${fmt(statementTimer.totalMs(), 0)} ms of SQL in ${fmt(statementTimer.totalCalls())} statements\n${statementTimer.report(8)}`);
    };
    let next = 0;
    await timed("ingest (append to the log)", async () => {
      if (next >= events) return 0;
      const list = Array.from({ length: Math.min(batch, events - next) }, (_, k) => ({
        type: "track",
        messageId: `c-${runId}-${next + k}`,
        userId: `c-${runId}-u${next + k}`,
        event: "Bench Triggered",
        properties: { n: next + k },
        timestamp: new Date().toISOString(),
      }));
      next += list.length;
      await services.ingest(workspaceId, list);
      return list.length;
    });
    await timed("profiles.projector", () => services.projectNextBatch(batch));
    await timed("loyalty.orders", () => services.loyaltyNextBatch(batch));
    await timed("loyalty.tasks", () => services.tasksNextBatch(batch));
    await timed("loyalty.activities", () => services.loyaltyActivitiesNextBatch(batch));
    await timed("journeys.triggers", () => services.journeyTriggersNextBatch(batch));
    await timed("messaging.dispatcher", () => services.messaging.dispatchNextBatch(batch, { publicUrl: "http://127.0.0.1", leaseMs: 60_000, oneConnection: true }).then((r) => r.taken));
    await timed("warehouse.loader", () => loadEventsIntoWarehouse({ db, warehouse: stores.warehouse, batchSize: batch }).then((n) => (n < batch ? 0 : n)));
    const queued = (await rowsOf<{ n: number }>(db, sql`select count(*)::int as n from messages where journey_id = ${journeyId}::uuid and status = 'delivered'`))[0]?.n ?? 0;
    await stores.warehouse.close();
    await stores.database.close();
    return { events, batch, stages, queued };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main() {
  log(`Machine: ${formatMachine(machineInfo())}; load average ${loadavg().map((l) => l.toFixed(2)).join(" ")} at start`);
  log(`Date: ${new Date().toISOString()}`);
  for (const rate of RATES) {
    const r = await triggerLatency(rate);
    log(
      `trigger → outbox at ${fmt(rate)} events/s for ${SECONDS} s: sent ${fmt(r.sent)} in ${r.sendSeconds.toFixed(1)} s (all answered after ${r.answeredSeconds.toFixed(1)} s → ` +
        `${fmt(r.accepted / r.answeredSeconds)} events/s taken), ${fmt(r.accepted)} accepted, ${fmt(r.failed)} refused or unanswered ${ANSWER_SECONDS} s after the last was sent; ${fmt(r.queued)} in the outbox after ${r.drainedSeconds.toFixed(1)} s; ` +
        `received → outbox p50 ${fmt(r.p50)} ms, p99 ${fmt(r.p99)} ms, max ${fmt(r.max)} ms; sent by the client → outbox p50 ${fmt(r.clientP50)} ms, p99 ${fmt(r.clientP99)} ms; ` +
        `received → delivered to the inbox p50 ${fmt(r.deliveredP50)} ms, p99 ${fmt(r.deliveredP99)} ms; ` +
        `load average ${loadavg()[0]!.toFixed(2)}`,
    );
  }
  if (TIMER_RUNS > 0) {
    const t = await timersPerSecond(TIMER_RUNS);
    log(
      `timers: ${fmt(t.moved)} due runs moved in ${t.seconds.toFixed(1)} s → ${fmt(t.moved / t.seconds)} runs/s (${fmt(t.queued)} messages queued); ` +
        `entering them through the service took ${t.enterSeconds.toFixed(1)} s (${fmt(t.runs / t.enterSeconds)} runs/s); load average ${loadavg()[0]!.toFixed(2)}`,
    );
  }
  if (STAGE_EVENTS > 0) {
    const r = await stagesAlone(STAGE_EVENTS, STAGE_BATCH);
    const total = r.stages.reduce((t, st) => t + st.seconds, 0);
    log(`each stage alone: ${fmt(r.events)} events of new customers in batches of ${r.batch} (${fmt(r.queued)} messages delivered); load average ${loadavg()[0]!.toFixed(2)}`);
    for (const st of r.stages) log(`  ${st.name.padEnd(28)} ${fmt((st.seconds * 1000 * 1000) / r.events, 1).padStart(7)} ms per 1,000 events  ${fmt(st.batches).padStart(4)} batches  ${fmt((100 * st.seconds) / total, 1).padStart(5)} %`);
    log(`  ${"all stages".padEnd(28)} ${fmt((total * 1000 * 1000) / r.events, 1).padStart(7)} ms per 1,000 events → at most ${fmt(r.events / total)} events/s on one connection`);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
