/**
 * Attribution on the warehouse: the journeys by channel (over the in-memory event sequences) and the
 * six models (first / last touch, linear, time decay, Shapley over 8 channels, Markov) on synthetic
 * customers written straight into a DuckDB file (`--warehouse memory`: in memory; no PostgreSQL:
 * attribution reads the warehouse only). Prints the first report apart (it builds the sequences),
 * p50 / p99 of the next ones, and DuckDB alone running the journeys statement (`--sql-runs` times),
 * after checking that both give the same journeys.
 *
 *   npm run bench:attribution -- --profiles 100000 --events 2000000 --runs 20
 *
 * Record the figures in bench/RESULTS.md.
 */
import { parseArgs } from "node:util";
import { firstTouch, journeySql, lastTouch, linear, markov, readJourneys, readJourneysInWarehouse, shapley, type JourneyQuery } from "@siyu/core";
import type { Warehouse } from "@siyu/storage";
import { openBenchWarehouse } from "./lib/bench-warehouse";
import { formatMachine, machineInfo } from "./lib/machine";
import { seededRng } from "./lib/segment-events";

const { values: args } = parseArgs({
  options: {
    profiles: { type: "string", default: "100000" },
    events: { type: "string", default: "2000000" },
    runs: { type: "string", default: "20" },
    "sql-runs": { type: "string", default: "3" },
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
  const generated = `attribution ${PROFILES} ${EVENTS} seed ${args.seed}`;
  const { warehouse, label, loaded, markLoaded, dispose } = await openBenchWarehouse(args.warehouse!, generated);
  console.log(`Warehouse: ${label}`);
  if (!loaded) {
    const loading = await timed(() => load(warehouse));
    markLoaded();
    console.log(`Loaded in ${(loading.ms / 1000).toFixed(1)} s\n`);
  }

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
  const report = () =>
    timed(async () => {
      const data = await readJourneys(warehouse, query);
      const started = performance.now();
      const shares = shapley(data.journeys, { maxExactChannels: 12, permutations: 10_000, confidence: 0.99, seed: 1 });
      markov(data.journeys);
      firstTouch(data.journeys);
      lastTouch(data.journeys);
      linear(data.journeys);
      return { data, shares, modelMs: performance.now() - started };
    });
  const first = await report();
  const reports: number[] = [];
  const models: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await report();
    reports.push(run.ms);
    models.push(run.value.modelMs);
  }
  const { data, shares } = first.value;
  const summary = `${data.conversions.toLocaleString("en-US")} conversions, ${data.journeys.length.toLocaleString("en-US")} distinct paths, Shapley ${shares.method}`;
  // The statement's answer, the same journeys.
  const inWarehouse = await readJourneysInWarehouse(warehouse, query);
  const key = (d: typeof data) => JSON.stringify([d.conversions, d.value, d.journeys.map((j) => `${j.path.join(">")}:${j.count}:${j.conversions}:${Math.round(j.value)}`).sort()]);
  if (key(inWarehouse) !== key(data)) throw new Error("The journeys over the event sequences differ from the statement's");
  const raw: number[] = [];
  for (let i = 0; i < Number(args["sql-runs"]); i++) raw.push((await timed(() => warehouse.query(sql, params))).ms);
  for (const list of [raw, reports, models]) list.sort((a, b) => a - b);
  console.log(`Result: ${summary} (the statement's journeys the same)\n`);
  console.log("| what (90-day period, 30-day lookback) | runs | p50 ms | p99 ms |");
  console.log("|---|---|---|---|");
  console.log(`| whole report, first run (builds the event sequences) | 1 | ${first.ms.toFixed(0)} | |`);
  console.log(`| whole report (journeys over the sequences + models) | ${RUNS} | ${percentile(reports, 50).toFixed(0)} | ${percentile(reports, 99).toFixed(0)} |`);
  console.log(`| the six models in TypeScript (Shapley exact over 8 channels, Markov) | ${RUNS} | ${percentile(models, 50).toFixed(0)} | ${percentile(models, 99).toFixed(0)} |`);
  console.log(`| DuckDB alone: the journeys statement | ${raw.length} | ${percentile(raw, 50).toFixed(0)} | ${percentile(raw, 99).toFixed(0)} |`);
  await dispose();
}

await main();
