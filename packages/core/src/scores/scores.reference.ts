// A plain TypeScript statement of the scoring rules, row by row: the property tests check the
// warehouse's set-based SQL against it. Not used in production.
import type { ScoresSettingsDto } from "@siyu/contracts";
import { fmScoreOf, rfmCellOf } from "./rfm-cells";

export interface RefProfile {
  id: string;
  mergedInto: string | null;
  firstSeenAt: Date | null;
  lastSeenAt: Date | null;
  lastOrderAt: Date | null;
  totalSpendMinor: number;
  clv365: number | null | undefined; // undefined: no profile_clv row
}

export interface RefEvent {
  seq: number;
  profileId: string;
  event: "Order Completed" | "Order Refunded";
  orderId: string;
  ts: Date;
  revenue: number | null;
}

export interface RefScore {
  profileId: string;
  r: number | null;
  f: number | null;
  m: number | null;
  recencyDays: number | null;
  frequency: number | null;
  monetary: number | null;
  cell: string | null;
  layer: string | null;
  lifecycleStage: string | null;
  valueTier: string;
}

export function localDay(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(at);
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return Date.UTC(get("year"), get("month") - 1, get("day")) / 86_400_000;
}

export function referenceScores(profiles: RefProfile[], events: RefEvent[], now: Date, timeZone: string, settings: ScoresSettingsDto): RefScore[] {
  const { rfm, lifecycle, valuePyramid } = settings;
  const today = localDay(now, timeZone);
  const live = profiles.filter((p) => p.mergedInto === null);
  const liveIds = new Set(live.map((p) => p.id));

  const completed = new Map<string, { profileId: string; ts: Date; amount: number; seq: number }>();
  const refunds = new Map<string, { whole: boolean; amount: number }>();
  for (const e of events) {
    if (e.ts > now) continue;
    const key = e.orderId;
    if (e.event === "Order Completed") {
      // An event of an identifier no live profile holds has no customer (events_with_profile: null).
      if (!liveIds.has(e.profileId)) continue;
      const c = completed.get(key);
      if (!c) completed.set(key, { profileId: e.profileId, ts: e.ts, amount: e.revenue ?? 0, seq: e.seq });
      else {
        if (e.ts < c.ts) c.ts = e.ts;
        if (e.seq < c.seq) {
          c.seq = e.seq;
          c.amount = e.revenue ?? 0;
          c.profileId = e.profileId;
        }
      }
    } else {
      const r = refunds.get(key) ?? { whole: false, amount: 0 };
      if (e.revenue === null) r.whole = true;
      else r.amount += e.revenue;
      refunds.set(key, r);
    }
  }
  const windowStart = now.getTime() - rfm.windowDays * 86_400_000;
  const raw = new Map<string, { last: Date; frequency: number; monetary: number }>();
  for (const [key, c] of completed) {
    if (c.ts.getTime() <= windowStart || !liveIds.has(c.profileId)) continue;
    const r = refunds.get(key);
    if (r && (r.whole || r.amount >= c.amount)) continue;
    const net = Math.max(0, c.amount - (r?.amount ?? 0));
    const agg = raw.get(c.profileId) ?? { last: c.ts, frequency: 0, monetary: 0 };
    if (c.ts > agg.last) agg.last = c.ts;
    agg.frequency += 1;
    agg.monetary += net;
    raw.set(c.profileId, agg);
  }
  const rows = [...raw].map(([profileId, a]) => ({
    profileId,
    recencyDays: today - localDay(a.last, timeZone),
    frequency: a.frequency,
    monetary: Math.round(a.monetary * 100) / 100,
  }));
  const n = rows.length;
  // Quantiles: the share of buyers that are worse, plus half of those tied, in fifths.
  const quantile = (worse: number, tied: number) => 1 + Math.floor((5 * (worse + tied / 2)) / n);
  const above = (cuts: number[], v: number) => cuts.filter((c) => v >= c).length;
  const scored = new Map<string, RefScore>();
  for (const row of rows) {
    let r: number, f: number, m: number;
    if (rfm.method === "quantiles") {
      r = quantile(rows.filter((o) => o.recencyDays > row.recencyDays).length, rows.filter((o) => o.recencyDays === row.recencyDays).length);
      f = quantile(rows.filter((o) => o.frequency < row.frequency).length, rows.filter((o) => o.frequency === row.frequency).length);
      m = quantile(rows.filter((o) => o.monetary < row.monetary).length, rows.filter((o) => o.monetary === row.monetary).length);
    } else {
      r = 5 - rfm.thresholds.recencyDays.filter((c) => row.recencyDays > c).length;
      f = 1 + above(rfm.thresholds.frequencyOrders, row.frequency);
      m = 1 + above(rfm.thresholds.monetaryAmount, row.monetary);
    }
    const cell = rfmCellOf(rfm.cellGrid, r, fmScoreOf(f, m));
    scored.set(row.profileId, { r, f, m, ...row, cell, layer: rfm.layerMap[cell], lifecycleStage: null, valueTier: "none" });
  }

  const clvPresent = profiles.some((p) => p.clv365 !== undefined);
  const keyOf = (p: RefProfile) => (valuePyramid.basis === "clv" && clvPresent ? (p.clv365 ?? 0) : p.totalSpendMinor);
  const eligible = live.filter((p) => p.totalSpendMinor > 0);
  const svipCut = Math.ceil((eligible.length * valuePyramid.svipPercent) / 100);
  const vipCut = Math.ceil((eligible.length * (valuePyramid.svipPercent + valuePyramid.vipPercent)) / 100);

  return live.map((p) => {
    const base: RefScore = scored.get(p.id) ?? {
      profileId: p.id, r: null, f: null, m: null, recencyDays: null, frequency: null, monetary: null, cell: null, layer: null, lifecycleStage: null, valueTier: "none",
    };
    let stage: string | null = null;
    if (p.firstSeenAt) {
      const activity = lifecycle.activity === "last_seen" ? p.lastSeenAt : (p.lastOrderAt ?? p.firstSeenAt);
      const inactive = activity ? today - localDay(activity, timeZone) : null;
      const age = today - localDay(p.firstSeenAt, timeZone);
      if (inactive !== null && inactive >= lifecycle.churnedDays) stage = "churned";
      else if (inactive !== null && inactive >= lifecycle.dormantDays) stage = "dormant";
      else if (age <= lifecycle.newDays) stage = "new";
      else if (age <= lifecycle.growingDays) stage = "growing";
      else stage = "mature";
    }
    let tier = "none";
    if (p.totalSpendMinor > 0) {
      const rank = 1 + eligible.filter((o) => keyOf(o) > keyOf(p)).length;
      tier = rank <= svipCut ? "svip" : rank <= vipCut ? "vip" : "regular";
    }
    return { ...base, lifecycleStage: stage, valueTier: tier };
  });
}
