/**
 * The KPI dashboard on the warehouse: the whole dashboard (every metric of a 30-day period and the
 * 30 days before it, with daily series; the warehouse queries, the activity walked over the event
 * sequences, plus the PostgreSQL reads of costs and loyalty liability) — the first run apart (the
 * first case's builds the sequences), then p50 / p99 over N runs — next to DuckDB's raw time for
 * the same SQL statements replayed alone. Synthetic data from bench/lib/synthetic-warehouse.ts (the segments
 * benchmark's generator, with stores, refunds and source channels), a DuckDB file (as the server
 * keeps it; `--warehouse memory` for an in-memory one, `--warehouse keep:DIR` to load once and reuse) and
 * an in-memory PGlite.
 *
 *   npm run bench:dashboard -- --profiles 100000 --events 2000000 --runs 20
 */
import { parseArgs } from "node:util";
import { DEFAULT_ANALYTICS_SETTINGS } from "@siyu/contracts";
import { computeMetrics, createKpiService, periodOf, shiftDay, systemClock, systemContext, windowsOf, type KpiScope } from "@siyu/core";
import type { Warehouse } from "@siyu/storage";
import { openTestDatabase } from "@siyu/storage/testing";
import { openBenchWarehouse } from "./lib/bench-warehouse";
import { formatMachine, machineInfo } from "./lib/machine";
import { eventOrderOf, loadSyntheticWarehouse, NOW, STORE_CODES, WORKSPACE } from "./lib/synthetic-warehouse";

const { values: args } = parseArgs({
  options: {
    profiles: { type: "string", default: "100000" },
    events: { type: "string", default: "2000000" },
    runs: { type: "string", default: "20" },
    seed: { type: "string", default: "7" },
    warehouse: { type: "string", default: "file" },
    order: { type: "string", default: "arrival" },
  },
});
const PROFILES = Number(args.profiles);
const EVENTS = Number(args.events);
const RUNS = Number(args.runs);
const TZ = "Asia/Shanghai";

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

type Statement = { kind: "query" | "run"; sql: string; params?: unknown[] };

/**
 * Records every statement the dashboard sends (to replay them alone) until the returned function is
 * called. The warehouse object itself is patched, not wrapped: the event sequences are kept per
 * warehouse object, and a wrapper would build its own.
 */
function recordInto(warehouse: Warehouse, log: Statement[]): () => void {
  type Tx = Parameters<Parameters<Warehouse["transaction"]>[0]>[0];
  const wrapTx = (tx: Tx): Tx => ({
    ...tx,
    query: (sql: string, params?: never[]) => (log.push({ kind: "query", sql, params }), tx.query(sql, params)),
    run: (sql: string, params?: never[]) => (log.push({ kind: "run", sql, params }), tx.run(sql, params)),
  }) as Tx;
  const { query, run, transaction } = warehouse;
  Object.assign(warehouse, {
    query: (sql: string, params?: never[]) => (log.push({ kind: "query", sql, params }), query(sql, params)),
    run: (sql: string, params?: never[]) => (log.push({ kind: "run", sql, params }), run(sql, params)),
    transaction: (work: (tx: Tx) => Promise<unknown>) => transaction((tx) => work(wrapTx(tx))),
  });
  return () => Object.assign(warehouse, { query, run, transaction });
}

async function timeRuns(runs: number, work: () => Promise<unknown>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b);
}

async function main() {
  console.log(`Machine: ${formatMachine(machineInfo())}`);
  console.log(`Data: ${PROFILES.toLocaleString("en-US")} profiles, ${EVENTS.toLocaleString("en-US")} events (12 % orders, 1.5 % of them refunded) in ${args.order} order, ${RUNS} runs`);
  const data = { profiles: PROFILES, events: EVENTS, seed: Number(args.seed), commerce: true, order: eventOrderOf(args.order) };
  const { warehouse, label, loaded, markLoaded, dispose } = await openBenchWarehouse(args.warehouse!, JSON.stringify(data));
  console.log(`Warehouse: ${label}`);
  const database = await openTestDatabase();
  if (!loaded) {
    const loadStarted = performance.now();
    await loadSyntheticWarehouse(warehouse, data);
    markLoaded();
    console.log(`Loaded in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
  }

  // A monthly budget per channel over the year, as an operator would enter it.
  const kpi = createKpiService({ db: database.db, clock: systemClock, warehouse, existingStores: async () => new Set(), storeOf: async () => ({ id: "", code: "" }) });
  const ctx = systemContext(WORKSPACE);
  for (let m = 0; m < 12; m++) {
    const first = new Date(Date.UTC(2025, 11 + m, 1)).toISOString().slice(0, 10);
    const last = new Date(Date.UTC(2025, 12 + m, 0)).toISOString().slice(0, 10);
    for (const channel of ["douyin", "tmall", "wecom"]) {
      await kpi.createCost(ctx, { kind: "channel", key: channel, from: first, to: last, amountMinor: 2_000_000 + m * 10_000, storeId: null, note: null });
    }
  }

  const to = shiftDay(NOW.toISOString().slice(0, 10), -1);
  const cases: { name: string; days: number; store: KpiScope["store"] }[] = [
    { name: "30 days, all stores", days: 30, store: null },
    { name: "30 days, one store", days: 30, store: { id: "01900000-0000-7000-8000-00000000aaaa", code: STORE_CODES[0]! } },
    { name: "90 days, all stores", days: 90, store: null },
  ];
  console.log("\n| dashboard | first run ms | p50 ms | p99 ms | DuckDB raw p50 ms | DuckDB raw p99 ms | statements |");
  console.log("|---|---|---|---|---|---|---|");
  for (const c of cases) {
    const w = windowsOf(periodOf(shiftDay(to, -(c.days - 1)), to, TZ), TZ);
    const scope: KpiScope = { workspaceId: WORKSPACE, timeZone: TZ, minorPer: 100, store: c.store };
    const run = () => computeMetrics({ db: database.db }, warehouse, scope, w, DEFAULT_ANALYTICS_SETTINGS);
    // The first run after the load builds the event sequences (the first case's; the others find them).
    const [firstMs] = await timeRuns(1, run);
    const log: Statement[] = [];
    const stop = recordInto(warehouse, log);
    const recorded = await run().finally(stop);
    const orders = recorded.metrics.find((m) => m.key === "orders")!;
    const full = await timeRuns(RUNS, run);
    // The same statements in the same order on the same connection, without PostgreSQL or the JS around them.
    const raw = await timeRuns(RUNS, () =>
      warehouse.transaction(async (tx) => {
        for (const s of log) await (s.kind === "query" ? tx.query(s.sql, s.params as never[]) : tx.run(s.sql, s.params as never[]));
      }),
    );
    if (process.env.KPI_PROFILE) {
      await warehouse.transaction(async (tx) => {
        for (const s of log) {
          const started = performance.now();
          await (s.kind === "query" ? tx.query(s.sql, s.params as never[]) : tx.run(s.sql, s.params as never[]));
          console.log(`${(performance.now() - started).toFixed(0).padStart(6)} ms  ${s.sql.replace(/\s+/g, " ").slice(0, 110)}`);
        }
      });
    }
    console.log(
      `| ${c.name} (${orders.value?.toLocaleString("en-US")} orders) | ${firstMs!.toFixed(0)} | ${percentile(full, 50).toFixed(0)} | ${percentile(full, 99).toFixed(0)} | ${percentile(raw, 50).toFixed(0)} | ${percentile(raw, 99).toFixed(0)} | ${log.length} |`,
    );
  }
  await dispose();
  await database.close();
}

await main();
