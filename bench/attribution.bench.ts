/**
 * Attribution on the warehouse: the journeys query (one DuckDB statement) and the six models
 * (first / last touch, linear, time decay, Shapley over 8 channels, Markov) on synthetic
 * customers written straight into a DuckDB file (`--warehouse memory`: in memory; no PostgreSQL:
 * attribution reads the warehouse only). Prints p50 / p99 of the whole report and of DuckDB alone running the same SQL.
 *
 *   npm run bench:attribution -- --profiles 100000 --events 2000000 --runs 20
 *
 * Record the figures in bench/RESULTS.md.
 */
import { parseArgs } from "node:util";
import { firstTouch, journeySql, lastTouch, linear, markov, readJourneys, shapley, type JourneyQuery } from "@siyu/core";
import type { Warehouse } from "@siyu/storage";
import { openBenchWarehouse } from "./lib/bench-warehouse";
import { formatMachine, machineInfo } from "./lib/machine";
import { seededRng } from "./lib/segment-events";

const { values: args } = parseArgs({
  options: {
    profiles: { type: "string", default: "100000" },
    events: { type: "string", default: "2000000" },
    runs: { type: "string", default: "20" },
    seed: { type: "string", default: "11" },
    warehouse: { type: "string", default: "file" },
  },
});
const PROFILES = Number(args.profiles);
const EVENTS = Number(args.events);
const RUNS = Number(args.runs);
const WORKSPACE = "01900000-0000-7000-8000-0000000000ab";
const NOW = new Date("2026-11-01T04:00:00Z");
const DAY = 86_400_000;
// Eight channels, the later ones converting better, so the models disagree.
const CHANNELS = ["official_account", "douyin", "xiaohongshu", "sms", "tmall", "mini_program", "wecom", "store"];

const uuidOf = (n: number, tag: number) => `0190${tag.toString(16).padStart(4, "0")}-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;

async function load(warehouse: Warehouse): Promise<void> {
  const random = seededRng(Number(args.seed));
  const identifiers: string[][] = [];
  for (let i = 0; i < PROFILES; i++) identifiers.push([WORKSPACE, uuidOf(i, 2), "user_id", `m-${i}`, uuidOf(i, 1)]);
  const rows: (string | number | Date | null)[][] = [];
  const flush = async () => {
    await warehouse.transaction((tx) => tx.append("events", rows));
    rows.length = 0;
  };
  for (let seq = 1; seq <= EVENTS; seq++) {
    const who = Math.floor(PROFILES * Math.pow(random(), 2));
    const ts = new Date(NOW.getTime() - Math.floor(random() * 365 * DAY));
    const r = random();
    // 40 % touches on a channel, 10 % orders, the rest views without a channel.
    const channel = r < 0.4 ? CHANNELS[Math.floor(Math.pow(random(), 0.8) * CHANNELS.length)]! : null;
    const isOrder = r >= 0.4 && r < 0.5;
    const revenue = isOrder ? 15 + Math.floor(random() * 60) : null;
    rows.push([
      WORKSPACE, seq, `e-${seq}`, "track", isOrder ? "Order Completed" : channel ? "Message Clicked" : "Product Viewed", `m-${who}`, null, ts, ts,
      uuidOf(who, 2), null, null, channel, null, null, isOrder ? `o-${seq}` : null, null, revenue, isOrder ? "CNY" : null,
      JSON.stringify(isOrder ? { order_id: `o-${seq}`, total: revenue } : {}), null, null,
    ]);
    if (rows.length === 50_000) await flush();
  }
  await flush();
  await warehouse.transaction((tx) => tx.append("profile_identifiers", identifiers));
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

async function main() {
  console.log(`Machine: ${formatMachine(machineInfo())}`);
  console.log(`Data: ${PROFILES.toLocaleString("en-US")} profiles, ${EVENTS.toLocaleString("en-US")} events (40 % touches on 8 channels, 10 % orders), ${RUNS} runs`);
  const { warehouse, label, dispose } = await openBenchWarehouse(args.warehouse!);
  console.log(`Warehouse: ${label}`);
  const loaded = await timed(() => load(warehouse));
  console.log(`Loaded in ${(loaded.ms / 1000).toFixed(1)} s\n`);

  const query: JourneyQuery = {
    workspaceId: WORKSPACE,
    from: new Date(NOW.getTime() - 90 * DAY),
    to: NOW,
    conversionEvent: "Order Completed",
    dimension: "channel",
    touchpointEvents: [],
    lookbackDays: 30,
    halfLifeDays: 7,
    storeId: null,
  };
  const { sql, params } = journeySql(query);
  const raw: number[] = [];
  const report: number[] = [];
  const models: number[] = [];
  let summary = "";
  for (let i = 0; i < RUNS; i++) {
    raw.push((await timed(() => warehouse.query(sql, params))).ms);
    const run = await timed(async () => {
      const data = await readJourneys(warehouse, query);
      const started = performance.now();
      const shares = shapley(data.journeys, { maxExactChannels: 12, permutations: 10_000, confidence: 0.99, seed: 1 });
      markov(data.journeys);
      firstTouch(data.journeys);
      lastTouch(data.journeys);
      linear(data.journeys);
      return { data, shares, modelMs: performance.now() - started };
    });
    report.push(run.ms);
    models.push(run.value.modelMs);
    summary = `${run.value.data.conversions.toLocaleString("en-US")} conversions, ${run.value.data.journeys.length.toLocaleString("en-US")} distinct paths, Shapley ${run.value.shares.method}`;
  }
  for (const list of [raw, report, models]) list.sort((a, b) => a - b);
  console.log(`Result: ${summary}\n`);
  console.log("| what (90-day period, 30-day lookback) | p50 ms | p99 ms |");
  console.log("|---|---|---|");
  console.log(`| DuckDB alone: the journeys SQL | ${percentile(raw, 50).toFixed(0)} | ${percentile(raw, 99).toFixed(0)} |`);
  console.log(`| the six models in TypeScript (Shapley exact over 8 channels, Markov) | ${percentile(models, 50).toFixed(0)} | ${percentile(models, 99).toFixed(0)} |`);
  console.log(`| whole report (query + models) | ${percentile(report, 50).toFixed(0)} | ${percentile(report, 99).toFixed(0)} |`);
  await dispose();
}

await main();
