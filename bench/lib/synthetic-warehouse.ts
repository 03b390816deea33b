import type { Warehouse } from "@siyu/storage";
import { rollUpEvents } from "@siyu/core";
import { seededRng } from "./segment-events";

/** The benchmarks' synthetic brand: one workspace, a fixed "now", written straight into DuckDB. */
export const WORKSPACE = "01900000-0000-7000-8000-0000000000aa";
export const NOW = new Date("2026-11-01T04:00:00Z");
const DAY = 86_400_000;
const CITIES = ["上海", "杭州", "北京", "深圳", "成都", "广州", "南京", "武汉"];
const CATEGORIES = ["水果茶", "奶茶", "纯茶", "咖啡", "烘焙"];
const CHANNELS = ["wechat_miniprogram", "store_pos", "wecom", "douyin", "official_account", "tmall"];
export const STORE_CODES = ["SH-001", "SH-002", "HZ-001", "BJ-001", "SZ-001", "CD-001", "GZ-001", "NJ-001"];

function uuidOf(n: number, tag: number): string {
  const hex = n.toString(16).padStart(12, "0");
  return `0190${tag.toString(16).padStart(4, "0")}-0000-7000-8000-${hex}`;
}

export interface SyntheticOptions {
  profiles: number;
  events: number;
  seed: number;
  /**
   * Orders carry a store (by seq) and 1.5 % of them are refunded (every 67th order, a day later);
   * profiles carry a source channel. Drawn without the random stream, so the rest of the data is
   * the same with and without it.
   */
  commerce?: boolean;
  /**
   * `arrival` (the default): events in the order they happen, as the loader appends the log (seq
   * and ts rise together, each within a few minutes of its place), so DuckDB's per-row-group
   * min / max of ts skips what a period does not cover. `random`: ts drawn over the year
   * independently of seq (benchmark runs before 27), which defeats that skipping.
   */
  order?: "arrival" | "random";
}

/** The `--order` option of the benchmarks that load this generator. */
export function eventOrderOf(value: string | undefined): "arrival" | "random" {
  if (value !== "arrival" && value !== "random") throw new Error(`--order must be arrival or random, not ${value}`);
  return value;
}

/** `profiles` profiles over 400 days, `events` events over a year: 12 % orders, activity skewed so a few customers do most of it. */
export async function loadSyntheticWarehouse(warehouse: Warehouse, options: SyntheticOptions): Promise<void> {
  const random = seededRng(options.seed);
  const profiles: (string | number | Date | null)[][] = [];
  const identifiers: string[][] = [];
  for (let i = 0; i < options.profiles; i++) {
    const id = uuidOf(i, 1);
    const firstSeen = new Date(NOW.getTime() - Math.floor(random() * 400) * DAY);
    const traits: Record<string, unknown> = { city: CITIES[Math.floor(random() * CITIES.length)], gender: random() < 0.68 ? "female" : "male" };
    if (options.commerce) traits.source_channel = CHANNELS[i % CHANNELS.length];
    profiles.push([WORKSPACE, id, null, `会员${i}`, null, firstSeen, NOW, 0, 0, 0, null, JSON.stringify(traits)]);
    identifiers.push([WORKSPACE, uuidOf(i, 2), "user_id", `m-${i}`, id]);
  }
  const rows: (string | number | Date | null)[][] = [];
  const flush = async () => {
    await warehouse.transaction((tx) => tx.append("events", rows));
    rows.length = 0;
  };
  let orders = 0;
  let lastSeq = options.events; // refunds take the seqs after the events
  const start = NOW.getTime() - 365 * DAY;
  const arrival = (options.order ?? "arrival") === "arrival";
  for (let seq = 1; seq <= options.events; seq++) {
    const who = Math.floor(options.profiles * Math.pow(random(), 2));
    const draw = random();
    const ts = arrival
      ? new Date(Math.min(NOW.getTime(), start + Math.floor(((seq - 1) / options.events) * 365 * DAY) + Math.floor(draw * 10 * 60_000)))
      : new Date(NOW.getTime() - Math.floor(draw * 365 * DAY));
    const isOrder = random() < 0.12;
    const category = CATEGORIES[Math.floor(random() * CATEGORIES.length)]!;
    const revenue = isOrder ? 15 + Math.floor(random() * 60) : null;
    const store = options.commerce && isOrder ? STORE_CODES[seq % STORE_CODES.length]! : null;
    rows.push([
      WORKSPACE, seq, `e-${seq}`, "track", isOrder ? "Order Completed" : "Product Viewed", `m-${who}`, null, ts, ts, uuidOf(who, 2),
      null, null, null, null, store, isOrder ? `o-${seq}` : null, null, revenue, isOrder ? "CNY" : null,
      JSON.stringify(isOrder ? { order_id: `o-${seq}`, total: revenue, ...(store ? { store_id: store } : {}) } : { category }), null, null,
    ]);
    if (options.commerce && isOrder && ++orders % 67 === 0) {
      const at = new Date(ts.getTime() + DAY);
      lastSeq = options.events + orders;
      rows.push([
        WORKSPACE, options.events + orders, `r-${seq}`, "track", "Order Refunded", `m-${who}`, null, at, at, uuidOf(who, 2),
        null, null, null, null, null, `o-${seq}`, null, null, null, JSON.stringify({ order_id: `o-${seq}` }), null, null,
      ]);
    }
    if (rows.length >= 50_000) await flush();
  }
  await flush();
  await warehouse.transaction(async (tx) => {
    await tx.append("profiles", profiles);
    await tx.append("profile_identifiers", identifiers);
    // As the loader does after each batch: order_events and first_touches.
    await rollUpEvents(tx, lastSeq);
  });
}
