/**
 * Analytics explore on the warehouse: a 5-step funnel and a 12-week retention table on synthetic
 * customers written straight into a DuckDB file (`--warehouse memory`: in memory; warehouse-only, like bench:segments),
 * p50 / p99 over the runs, next to DuckDB's own time for the same SQL (EXPLAIN ANALYZE's total).
 *
 * Both funnels (steps by event name; no breakdown, or one by channel) and the retention table (events
 * by name) run over the in-memory event sequences: the first run builds them (timed apart, "first"),
 * the runs after catch up and compute. Their DuckDB column is the warehouse statement the same query
 * would otherwise run (`--sql-runs`, default 3: ten to twenty-five seconds each for a funnel at
 * 1M / 20M, about a second for the retention table).
 *
 *   npm run bench:analytics -- --profiles 100000 --events 2000000 --runs 21 [--plans DIR] [--queries loose,strict,retention]
 *
 * p50 / p99 are over the runs after the first, which is shown apart.
 *
 * `--queries` runs only the named ones (all three by default): at 1M / 20M each query's first run
 * (building the sequences) and a funnel's EXPLAIN ANALYZE take half a minute each.
 * `--plans DIR` writes each query's statement and EXPLAIN ANALYZE (of its last run) to DIR, to
 * see which operator grows with the data.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { FunnelQuery, RetentionQuery } from "@siyu/contracts";
import { analyseFunnel, analyseFunnelInWarehouse, analyseRetention, analyseRetentionInWarehouse, appendSyntheticEvents, type SyntheticEvent, type SyntheticProfile } from "@siyu/core";
import type { Warehouse } from "@siyu/storage";
import { openBenchWarehouse } from "./lib/bench-warehouse";
import { formatMachine, machineInfo } from "./lib/machine";
import { seededRng } from "./lib/segment-events";

const { values: args } = parseArgs({
  options: {
    profiles: { type: "string", default: "100000" },
    events: { type: "string", default: "2000000" },
    runs: { type: "string", default: "20" },
    seed: { type: "string", default: "7" },
    warehouse: { type: "string", default: "file" },
    plans: { type: "string" },
    queries: { type: "string", default: "loose,strict,retention" },
    "sql-runs": { type: "string", default: "3" },
  },
});
const PROFILES = Number(args.profiles);
const EVENTS = Number(args.events);
const RUNS = Number(args.runs);
const QUERIES = ["loose", "strict", "retention"] as const;
const chosen = args.queries!.split(",").map((q) => q.trim());
const unknownQueries = chosen.filter((q) => !(QUERIES as readonly string[]).includes(q));
if (unknownQueries.length) throw new Error(`--queries: unknown ${unknownQueries.join(", ")} (known: ${QUERIES.join(", ")})`);
const WORKSPACE = "01900000-0000-7000-8000-0000000000ab";
const TZ = "Asia/Shanghai";
const END = Date.parse("2026-11-01T00:00:00+08:00");
const DAY = 86_400_000;
const STEPS = ["Promotion Viewed", "Promotion Clicked", "Product Viewed", "Product Added", "Order Completed"];
const CHANNELS = ["wechat_miniprogram", "douyin", "tmall", "store"];
const CITIES = ["上海", "杭州", "北京", "深圳", "成都", "广州"];

/** Sessions that walk down the e-commerce funnel and drop at each step with a fixed chance. */
async function load(warehouse: Warehouse): Promise<void> {
  const random = seededRng(Number(args.seed));
  const profiles: SyntheticProfile[] = Array.from({ length: PROFILES }, (_, actor) => ({ actor, traits: { city: CITIES[Math.floor(random() * CITIES.length)] } }));
  await appendSyntheticEvents(warehouse, WORKSPACE, [], { profiles });
  let batch: SyntheticEvent[] = [];
  let seq = 1;
  let written = 0;
  while (written < EVENTS) {
    const actor = Math.floor(PROFILES * random() ** 2);
    let at = END - Math.floor(random() * 120 * DAY);
    const channel = CHANNELS[Math.floor(random() * CHANNELS.length)]!;
    for (const event of STEPS) {
      batch.push({ actor, event, at: new Date(at), channel, revenue: event === "Order Completed" ? 20 + Math.floor(random() * 80) : null });
      written += 1;
      at += Math.floor(random() * 3_600_000);
      if (random() < 0.45) break;
    }
    if (batch.length >= 100_000) {
      await appendSyntheticEvents(warehouse, WORKSPACE, batch, { firstSeq: seq, profilesWritten: true });
      seq += batch.length;
      batch = [];
    }
  }
  if (batch.length) await appendSyntheticEvents(warehouse, WORKSPACE, batch, { firstSeq: seq, profilesWritten: true });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The statement the service sends, captured once, then timed inside DuckDB by EXPLAIN ANALYZE. */
function capturing(warehouse: Warehouse): { warehouse: Warehouse; last: () => { sql: string; params: unknown[] } } {
  let last = { sql: "", params: [] as unknown[] };
  const proxy: Warehouse = { ...warehouse, query: (sql, params) => ((last = { sql, params: params ?? [] }), warehouse.query(sql, params)) };
  return { warehouse: proxy, last: () => last };
}

async function explainAnalyze(warehouse: Warehouse, statement: { sql: string; params: unknown[] }): Promise<{ ms: number; plan: string }> {
  const rows = await warehouse.query<{ explain_value: string }>(`explain analyze ${statement.sql}`, statement.params as never);
  const plan = rows.map((r) => r.explain_value).join("\n");
  const match = /Total Time: ([\d.]+)s/.exec(plan);
  return { ms: match ? Number(match[1]) * 1000 : Number.NaN, plan };
}

async function main() {
  console.log(`Machine: ${formatMachine(machineInfo())}`);
  console.log(`Data: ${PROFILES.toLocaleString("en-US")} profiles, ${EVENTS.toLocaleString("en-US")} events (5-step sessions), ${RUNS} runs per query`);
  const data = `analytics ${PROFILES} ${EVENTS} seed ${args.seed}`;
  const { warehouse, label, loaded, markLoaded, dispose } = await openBenchWarehouse(args.warehouse!, data);
  console.log(`Warehouse: ${label}`);
  if (!loaded) {
    const started = performance.now();
    await load(warehouse);
    markLoaded();
    console.log(`Loaded in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }

  const period = { from: "2026-08-04", to: "2026-10-31" };
  const loose = FunnelQuery.parse({ steps: STEPS.map((event) => ({ event })), period });
  const retention = RetentionQuery.parse({ cohort: { kind: "first_order" }, returnEvent: { event: "Order Completed" }, interval: "week", periods: 12, period });
  const strict = FunnelQuery.parse({ steps: STEPS.map((event) => ({ event })), order: "strict", breakdown: { property: "channel" }, period });
  // run: what the service does; statement: the SQL whose DuckDB time is shown beside it (default: the run's own last statement).
  const queries: Record<(typeof QUERIES)[number], { name: string; run: (w: Warehouse) => Promise<unknown>; statement?: (w: Warehouse) => Promise<unknown> }> = {
    loose: {
      name: "5-step funnel, 7-day window (loose)",
      run: (w) => analyseFunnel(w, WORKSPACE, TZ, loose),
      statement: (w) => analyseFunnelInWarehouse(w, WORKSPACE, TZ, loose),
    },
    strict: {
      name: "5-step funnel by channel (strict)",
      run: (w) => analyseFunnel(w, WORKSPACE, TZ, strict),
      statement: (w) => analyseFunnelInWarehouse(w, WORKSPACE, TZ, strict),
    },
    retention: {
      name: "12-week retention, first order → order",
      run: (w) => analyseRetention(w, WORKSPACE, TZ, retention),
      statement: (w) => analyseRetentionInWarehouse(w, WORKSPACE, TZ, retention),
    },
  };
  console.log("| query | first ms | p50 ms | p99 ms | DuckDB p50 ms |");
  console.log("|---|---|---|---|---|");
  for (const { name, run, statement } of chosen.map((q) => queries[q as (typeof QUERIES)[number]])) {
    const { warehouse: spy, last } = capturing(warehouse);
    const times: number[] = [];
    const raw: number[] = [];
    let plan = "";
    const explain = async () => {
      const explained = await explainAnalyze(warehouse, last());
      raw.push(explained.ms);
      plan = explained.plan;
    };
    for (let i = 0; i < Math.max(RUNS, 2); i++) {
      const t0 = performance.now();
      await run(spy);
      times.push(performance.now() - t0);
      if (!statement) await explain();
    }
    if (statement) {
      for (let i = 0; i < Number(args["sql-runs"]); i++) {
        await statement(spy);
        await explain();
      }
    }
    if (args.plans) {
      mkdirSync(args.plans, { recursive: true });
      const file = `${name.replace(/[^a-z0-9]+/gi, "-").replace(/-+$/, "")}.txt`;
      writeFileSync(join(args.plans, file), `${last().sql}\n-- params: ${JSON.stringify(last().params)}\n\n${plan}\n`);
    }
    // The first run apart (it builds what later runs reuse: the event sequences, DuckDB's caches); p50 / p99 over the rest.
    const first = times.shift()!;
    times.sort((a, b) => a - b);
    raw.sort((a, b) => a - b);
    console.log(`| ${name} | ${first.toFixed(0)} | ${percentile(times, 50).toFixed(0)} | ${percentile(times, 99).toFixed(0)} | ${raw.length ? percentile(raw, 50).toFixed(0) : "—"} |`);
  }
  console.log(`\nPeak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  await dispose();
}

await main();
