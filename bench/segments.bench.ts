/**
 * Segmentation on the warehouse: how long a segment's count takes (the live preview and every
 * refresh run this query), how long RFM / lifecycle scoring and a CLV fit take, on synthetic
 * customers written straight into a DuckDB file (`--warehouse memory`: in memory; no PostgreSQL: these are warehouse-only).
 *
 *   npm run bench:segments -- --profiles 100000 --events 2000000 --runs 20
 *
 * Prints p50 / p99 per query and the machine; record the figures in bench/RESULTS.md.
 */
import { parseArgs } from "node:util";
import { DEFAULT_SCORES_SETTINGS, type SegmentRule } from "@siyu/contracts";
import { catalogueOf, compileRule, computeWarehouseScores, DEFAULT_CLV_SETTINGS, refreshWorkspaceClv } from "@siyu/core";
import { formatMachine, machineInfo } from "./lib/machine";
import { openBenchWarehouse } from "./lib/bench-warehouse";
import { eventOrderOf, loadSyntheticWarehouse, NOW, WORKSPACE } from "./lib/synthetic-warehouse";

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
async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const RULES: Record<string, SegmentRule> = {
  "one trait (city = 上海)": { type: "trait", trait: "city", op: "eq", value: "上海" },
  "event count (≥ 3 views of 水果茶 in 30 days)": {
    type: "event",
    event: "Product Viewed",
    where: [{ property: "category", op: "eq", value: "水果茶" }],
    measure: { kind: "count" },
    op: "gte",
    value: 3,
    window: { kind: "in_last_days", days: 30 },
  },
  "4 conditions (city, spend sum, views, NOT last order in 30 days)": {
    type: "and",
    rules: [
      { type: "trait", trait: "city", op: "in", value: ["上海", "杭州"] },
      { type: "event", event: "Order Completed", measure: { kind: "sum", property: "total" }, op: "gte", value: 100, window: { kind: "in_last_days", days: 365 } },
      { type: "event", event: "Product Viewed", measure: { kind: "count" }, op: "gte", value: 2, window: { kind: "in_last_days", days: 90 } },
      { type: "not", rule: { type: "occurrence", event: "Order Completed", which: "last", window: { kind: "in_last_days", days: 30 } } },
    ],
  },
};

async function main() {
  console.log(`Machine: ${formatMachine(machineInfo())}`);
  console.log(`Data: ${PROFILES.toLocaleString("en-US")} profiles, ${EVENTS.toLocaleString("en-US")} events (12 % orders) in ${args.order} order, ${RUNS} runs per query`);
  const { warehouse, label, dispose } = await openBenchWarehouse(args.warehouse!);
  console.log(`Warehouse: ${label}`);
  const loaded = await timed(() => loadSyntheticWarehouse(warehouse, { profiles: PROFILES, events: EVENTS, seed: Number(args.seed), order: eventOrderOf(args.order) }));
  console.log(`Loaded in ${(loaded.ms / 1000).toFixed(1)} s\n`);

  const traits = catalogueOf([]);
  console.log("| query | matches | p50 ms | p99 ms |");
  console.log("|---|---|---|---|");
  for (const [name, rule] of Object.entries(RULES)) {
    const compiled = compileRule(rule, { workspaceId: WORKSPACE, now: NOW, timeZone: "Asia/Shanghai", traits, segments: new Map() });
    const times: number[] = [];
    let matches = 0;
    for (let i = 0; i < RUNS; i++) {
      const { ms, value } = await timed(() => warehouse.query<{ n: bigint }>(`select count(*) as n from (${compiled.sql})`, compiled.params));
      times.push(ms);
      matches = Number(value[0]?.n ?? 0);
    }
    times.sort((a, b) => a - b);
    console.log(`| segment count: ${name} | ${matches.toLocaleString("en-US")} | ${percentile(times, 50).toFixed(0)} | ${percentile(times, 99).toFixed(0)} |`);
  }

  const scoreTimes: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 5); i++) {
    scoreTimes.push((await timed(() => computeWarehouseScores(warehouse, { workspaceId: WORKSPACE, now: NOW, timeZone: "Asia/Shanghai", settings: DEFAULT_SCORES_SETTINGS }))).ms);
  }
  scoreTimes.sort((a, b) => a - b);
  console.log(`| RFM + lifecycle + value tier, every profile (written back) | ${PROFILES.toLocaleString("en-US")} | ${percentile(scoreTimes, 50).toFixed(0)} | ${percentile(scoreTimes, 99).toFixed(0)} |`);

  const clv = await timed(() => refreshWorkspaceClv({ warehouse, workspaceId: WORKSPACE, now: NOW, settings: DEFAULT_CLV_SETTINGS, timeZone: "Asia/Shanghai" }));
  const scored = clv.value.status === "fitted" ? clv.value.scoredProfiles : 0;
  console.log(`| CLV fit (BG/NBD + Gamma-Gamma) and predictions, once | ${scored.toLocaleString("en-US")} scored (${clv.value.status}) | ${clv.ms.toFixed(0)} | – |`);
  await dispose();
}

await main();
