import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createCoreServices, DEFAULT_WAREHOUSE_BATCH, loadEventsIntoWarehouse, refreshProfileSnapshot, systemClock, type Clock, type CoreServices } from "@siyu/core";
import type { FastifyBaseLogger } from "fastify";
import { DEFAULT_MAINTENANCE_OPTIONS, openDatabase, openWarehouse, type Database, type Warehouse } from "@siyu/storage";
import { groupCommitOf, publicUrlOf, type SiyuConfig } from "./config";
import { buildHttpServer, type App } from "./http/build-http-server";
import { createMetricsRegistry, messageLatencyHistogram } from "./http/plugins/metrics.plugin";
import { buildWorker, type Worker } from "./worker/build-worker";
import { SCHEDULES, type Schedule } from "./worker/schedules";

const here = fileURLToPath(new URL(".", import.meta.url));
export const CONSOLE_DIST_DIR = resolve(here, "../../console/dist");
export const VERSION = (JSON.parse(readFileSync(join(here, "../package.json"), "utf8")) as { version: string }).version;

export interface Siyu {
  config: SiyuConfig;
  database: Database;
  warehouse: Warehouse;
  services: CoreServices;
  app: App;
  worker: Worker;
  close(): Promise<void>;
}

/** Opens the stores (migrating them), wires services, the HTTP app and the worker, once. */
export async function openStores(config: SiyuConfig): Promise<{ database: Database; warehouse: Warehouse }> {
  const dataDir = resolve(config.dataDir);
  const database = await openDatabase(
    config.databaseUrl ? { kind: "postgres", url: config.databaseUrl, namedStatements: config.databaseNamedStatements } : { kind: "pglite", dataDir },
  );
  try {
    await database.migrate();
    const warehouse = await openWarehouse({ dataDir });
    await warehouse.migrate();
    return { database, warehouse };
  } catch (error) {
    await database.close();
    throw error;
  }
}

/**
 * The projector's batch, and its followers': each projector batch wakes each follower once, so a follower taking
 * fewer would fall further behind it with every batch under a backlog, out of the events the projector read
 * (EventReads), and the followers would each read the same events from the store. For the loyalty consumers a
 * full batch means a backlog (the demo's history, a restart), taken without their pause.
 */
const EVENT_BATCH = 2_000;

export async function composeSiyu(config: SiyuConfig, clock: Clock = systemClock): Promise<Siyu> {
  const { database, warehouse } = await openStores(config);
  const services = createCoreServices({ db: database.db, warehouse, clock, settings: { access: config.access, ingest: config.ingest, groupCommit: groupCommitOf(config, database) } });
  let boundUrl = publicUrlOf(config);
  let worker: Worker | null = null;
  const registry = createMetricsRegistry();
  const messageLatency = messageLatencyHistogram(registry);
  const app = await buildHttpServer({
    services,
    registry,
    readiness: { database: () => database.ping(), warehouse: () => warehouse.ping() },
    logLevel: config.logLevel,
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    rateLimitPerIpPerMinute: config.rateLimitPerIpPerMinute,
    rateLimitPerKeyPerMinute: config.rateLimitPerKeyPerMinute,
    rateLimitPerMemberPerMinute: config.rateLimitPerMemberPerMinute,
    publicUrl: () => boundUrl,
    consoleDistDir: CONSOLE_DIST_DIR,
    version: VERSION,
    ingestBodyLimitBytes: config.ingestBodyLimitBytes,
    onIngested: () => worker?.kick(),
  });
  app.addHook("onListen", async () => {
    const address = app.server.address();
    if (address && typeof address === "object") boundUrl = publicUrlOf(config, address.port);
  });
  const background = config.backgroundBatchPauseMs;
  worker = buildWorker({
    services,
    log: app.log,
    consumers: [
      { name: "profiles.projector", step: () => services.projectNextBatch(EVENT_BATCH) },
      // Journeys: event triggers, waits for events and goals; behind the projector like the loyalty consumers.
      // First of the projector's followers: they are woken in this order and PGlite's one connection
      // serves transactions first come first served, so trigger → outbox waits for no loyalty batch.
      { name: "journeys.triggers", after: "profiles.projector", step: () => services.journeyTriggersNextBatch(EVENT_BATCH) },
      // Points for orders and their reversals; it never reads past the projector, so orders are anchored to their profile.
      // Off the event → message path, like the next two and the warehouse loader: under load each pauses
      // between batches (backgroundBatchPauseMs), so it takes fewer, bigger ones and the journeys the connection.
      { name: "loyalty.orders", after: "profiles.projector", pauseMs: background, batchSize: EVENT_BATCH, step: () => services.loyaltyNextBatch(EVENT_BATCH) },
      // Task progress from events and rewards on completion; like loyalty.orders it never reads past the projector.
      { name: "loyalty.tasks", after: "profiles.projector", pauseMs: background, batchSize: EVENT_BATCH, step: () => services.tasksNextBatch(EVENT_BATCH) },
      // Activity earn rules (share, review, UGC, referral …) and check-ins sent as events; also behind the projector.
      { name: "loyalty.activities", after: "profiles.projector", pauseMs: background, batchSize: EVENT_BATCH, step: () => services.loyaltyActivitiesNextBatch(EVENT_BATCH) },
      // Bulk coupon issues, a batch per transaction: a restart resumes where the last commit left off.
      { name: "loyalty.coupon_issue", wokenByIngest: false, step: () => services.coupons.runIssueBatch() },
      // The outbox: due messages judged at send time (guards, render) and handed to their channel; woken by
      // each journeys batch (which queues messages), and its poll for everything else (API, broadcasts, timers).
      {
        name: "messaging.dispatcher",
        after: "journeys.triggers",
        step: () =>
          services.messaging
            .dispatchNextBatch(200, {
              publicUrl: boundUrl,
              leaseMs: config.messagingLeaseSeconds * 1000,
              onHandedOver: (s) => messageLatency.observe({ channel: s.channel }, s.seconds),
              // The embedded store runs one transaction at a time: the claim needs no row locks there.
              oneConnection: database.kind === "pglite",
            })
            .then((r) => r.taken),
      },
      // Journey timers (waits, timeouts, holdout goal windows), taken FOR UPDATE SKIP LOCKED so workers share them.
      { name: "journeys.timers", wokenByIngest: false, step: () => services.journeyTimersNextBatch() },
      // Events become queryable in DuckDB within a poll (or a pause) of being logged; the offset lives in DuckDB with the rows.
      { name: "warehouse.loader", pauseMs: background, batchSize: DEFAULT_WAREHOUSE_BATCH, step: () => loadEventsIntoWarehouse({ db: database.db, warehouse }) },
    ],
    schedules: [
      ...SCHEDULES,
      { name: "warehouse.profile_snapshot", everyMs: 5 * 60_000, run: () => refreshProfileSnapshot({ db: database.db, warehouse }).then(() => {}) },
      // Checked hourly, so a restart does not skip a day; each workspace is refitted once its fit is a day old.
      { name: "clv.refit_daily", everyMs: 60 * 60_000, run: () => services.clv.refitAll({ olderThanMs: 24 * 60 * 60_000 }).then(() => {}) },
      // Each workspace's computed tags are recomputed once its interval (tag settings, default daily) has passed.
      { name: "tags.recompute", everyMs: 5 * 60_000, run: () => services.tags.recomputeDue().then(() => {}) },
      // Daily per workspace, after its local hour (scores settings); checking every 10 minutes is enough.
      { name: "scores.daily", everyMs: 10 * 60_000, run: () => services.scores.runDue().then(() => {}) },
      // Segments whose refresh interval has passed (each has its own, default in segment settings).
      { name: "segments.refresh_due", everyMs: 60_000, run: () => services.segments.refreshDue().then(() => {}) },
      // Badges and titles: each active badge is judged by its rule once per local day (checked hourly).
      { name: "loyalty.badges", everyMs: 60 * 60_000, run: () => services.badges.runDaily().then(() => {}) },
      ...(database.kind === "pglite" && config.embeddedMaintenanceSeconds > 0 ? [embeddedMaintenance(database, config, app.log)] : []),
    ],
  });
  let closed = false;
  return {
    config,
    database,
    warehouse,
    services,
    app,
    worker,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await worker?.stop();
      await warehouse.close();
      await database.close();
    },
  };
}

/**
 * The embedded store's stand-in for autovacuum: tables that changed enough are vacuumed and analysed,
 * so the planner knows their sizes and updated rows' old versions leave the indexes. A run still
 * going when the next is due is not doubled.
 */
function embeddedMaintenance(database: Database, config: SiyuConfig, log: FastifyBaseLogger): Schedule {
  let running = false;
  return {
    name: "database.embedded_maintenance",
    everyMs: config.embeddedMaintenanceSeconds * 1000,
    async run() {
      if (running) return;
      running = true;
      try {
        const done = await database.maintain({
          ...DEFAULT_MAINTENANCE_OPTIONS,
          growth: config.embeddedMaintenanceGrowth,
          statisticsTarget: config.embeddedStatisticsTarget,
        });
        if (done.length > 0) log.info({ tables: done }, "embedded store: tables vacuumed and analysed");
      } finally {
        running = false;
      }
    },
  };
}
