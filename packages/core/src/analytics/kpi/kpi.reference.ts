import type { AcquisitionCostDto, AnalyticsSettingsDto } from "@siyu/contracts";
import { localDay } from "../../shared/local-time";
import { daysOf, shiftDay, type KpiPeriod, type KpiWindows } from "./kpi-period";

// The KPI definitions once more, in plain TypeScript over plain arrays, written from the docs
// without the SQL: the tests compare the warehouse's answers with these. Not used at runtime.

export interface RefEvent {
  /** Log order. */
  seq: number;
  profileId: string | null;
  /** Null: an event without a name (a page view). */
  event: string | null;
  ts: Date;
  storeId: string | null;
  orderId: string | null;
  /** Major units, as sent. */
  revenue: number | null;
  properties: Record<string, unknown>;
  context: Record<string, unknown>;
}

export interface RefProfile {
  id: string;
  firstSeenAt: Date | null;
  traits: Record<string, unknown>;
}

/** A message in the outbox: what the dashboard counts as sent depends on its status and channel. */
export interface RefMessage {
  channel: string;
  status: string;
  sentAt: Date | null;
}

/** A points ledger entry. */
export interface RefPointsEntry {
  profileId: string;
  delta: number;
  pendingDelta: number;
  createdAt: Date;
}

export interface RefCoupon {
  kind: string;
  amountMinor: number | null;
  issuedAt: Date;
  validUntil: Date;
  redeemedAt: Date | null;
}

export interface RefInput {
  events: RefEvent[];
  /** The PostgreSQL side: the outbox and the loyalty ledgers (workspace-wide). */
  messages: RefMessage[];
  pointsEntries: RefPointsEntry[];
  coupons: RefCoupon[];
  profiles: RefProfile[];
  costs: AcquisitionCostDto[];
  w: KpiWindows;
  timeZone: string;
  store: { id: string; code: string } | null;
  settings: AnalyticsSettingsDto;
}

interface RefOrder {
  profileId: string | null;
  ts: Date;
  day: string;
  netMinor: number;
  cancelled: boolean;
}

const inStore = (input: RefInput, storeId: string | null) => input.store === null || storeId === input.store.id || storeId === input.store.code;
const inPeriod = (p: KpiPeriod, day: string) => day >= p.from && day <= p.to;

function refOrders(input: RefInput): RefOrder[] {
  const byOrder = new Map<string, RefEvent[]>();
  for (const e of [...input.events].sort((a, b) => a.seq - b.seq)) {
    if (e.event !== "Order Completed" || e.orderId === null || e.ts >= input.w.current.end) continue;
    byOrder.set(e.orderId, [...(byOrder.get(e.orderId) ?? []), e]);
  }
  const orders: RefOrder[] = [];
  for (const [orderId, sent] of byOrder) {
    const first = sent[0]!;
    if (!inStore(input, first.storeId)) continue;
    const refunds = input.events.filter((e) => e.event === "Order Refunded" && e.orderId === orderId);
    const whole = refunds.some((r) => r.revenue === null);
    const refunded = refunds.reduce((t, r) => t + (r.revenue ?? 0), 0);
    const amount = first.revenue ?? 0;
    const cancelled = refunds.length > 0 && (whole || refunded >= amount);
    const ts = new Date(Math.min(...sent.map((e) => e.ts.getTime())));
    orders.push({
      profileId: first.profileId,
      ts,
      day: localDay(ts, input.timeZone),
      cancelled,
      netMinor: cancelled ? 0 : Math.round(Math.max(0, amount - refunded) * 100),
    });
  }
  return orders;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const daysBetween = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
const div = (a: number, b: number) => (b === 0 ? null : a / b);

export interface RefMetrics {
  [key: string]: { value: number | null; previous: number | null; series?: (number | null)[] };
}

/**
 * New members, with their home store and acquisition from traits, else the first event carrying them
 * (a campaign source or name only when that event is within the acquisition window after first seen).
 */
function refNewMembers(input: RefInput) {
  const { timeZone } = input;
  const firstEvent = (profileId: string, pick: (e: RefEvent) => string | null) =>
    input.events.filter((e) => e.profileId === profileId && pick(e) !== null).sort((a, b) => a.ts.getTime() - b.ts.getTime())[0];
  const firstWith = (profileId: string, pick: (e: RefEvent) => string | null) => {
    const first = firstEvent(profileId, pick);
    return first ? pick(first) : null;
  };
  const windowMs = input.settings.acquisitionWindowDays * 86_400_000;
  const firstWithinWindow = (p: RefProfile, pick: (e: RefEvent) => string | null) => {
    const first = firstEvent(p.id, pick);
    return first && (p.firstSeenAt === null || first.ts.getTime() <= p.firstSeenAt.getTime() + windowMs) ? pick(first) : null;
  };
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);
  const campaignOf = (e: RefEvent) => str((e.context.campaign as Record<string, unknown> | undefined)?.name);
  const sourceOf = (e: RefEvent) => str((e.context.campaign as Record<string, unknown> | undefined)?.source);
  return input.profiles
    .filter((p) => p.firstSeenAt !== null)
    .map((p) => ({
      id: p.id,
      day: localDay(p.firstSeenAt!, timeZone),
      store: firstWith(p.id, (e) => e.storeId),
      channel: str(p.traits.source_channel) ?? str(p.traits.utm_source) ?? firstWithinWindow(p, sourceOf),
      campaign: str(p.traits.utm_campaign) ?? str(p.traits.campaign) ?? firstWithinWindow(p, campaignOf),
    }))
    .filter((m) => inStore(input, m.store));
}

/** The current period's new members per acquisition channel and campaign: "channel:douyin" → count. */
export function referenceAcquired(input: RefInput): Map<string, number> {
  const counts = new Map<string, number>();
  for (const m of refNewMembers(input)) {
    if (!inPeriod(input.w.current, m.day)) continue;
    for (const [kind, key] of [["channel", m.channel], ["campaign", m.campaign]] as const) {
      if (key !== null) counts.set(`${kind}:${key}`, (counts.get(`${kind}:${key}`) ?? 0) + 1);
    }
  }
  return counts;
}

/** Every metric the warehouse computes, by its definition. */
export function referenceMetrics(input: RefInput): RefMetrics {
  const { w, timeZone } = input;
  const periods = { current: w.current, previous: w.previous } as const;
  const orders = refOrders(input);
  const live = orders.filter((o) => !o.cancelled);

  const dayOrders = (d: string) => live.filter((o) => o.day === d);
  const periodOrders = (p: KpiPeriod) => orders.filter((o) => inPeriod(p, o.day));
  const both = <T>(f: (p: KpiPeriod) => T) => ({ value: f(periods.current), previous: f(periods.previous) });
  const series = (f: (d: string) => number | null) => daysOf(w.current.from, w.current.to).map(f);

  const ordersOf = (p: KpiPeriod) => periodOrders(p).filter((o) => !o.cancelled).length;
  const gmvOf = (p: KpiPeriod) => periodOrders(p).reduce((t, o) => t + o.netMinor, 0);
  const buyerCounts = (p: KpiPeriod) => {
    const counts = new Map<string, number>();
    for (const o of periodOrders(p)) if (!o.cancelled && o.profileId) counts.set(o.profileId, (counts.get(o.profileId) ?? 0) + 1);
    return counts;
  };

  // Repurchase cycle: distinct order days per customer, gaps to the previous order day.
  const gaps: { day: string; gap: number }[] = [];
  const daysByProfile = new Map<string, Set<string>>();
  for (const o of live) if (o.profileId) daysByProfile.set(o.profileId, (daysByProfile.get(o.profileId) ?? new Set()).add(o.day));
  for (const days of daysByProfile.values()) {
    const sorted = [...days].sort();
    for (let i = 1; i < sorted.length; i++) gaps.push({ day: sorted[i]!, gap: daysBetween(sorted[i - 1]!, sorted[i]!) });
  }

  // Churn and historic LTV as of a period's end.
  const stock = (p: KpiPeriod) => {
    const last = new Map<string, string>();
    const spend = new Map<string, number>();
    for (const o of live) {
      if (!o.profileId || o.ts >= p.end) continue;
      if ((last.get(o.profileId) ?? "") < o.day) last.set(o.profileId, o.day);
      spend.set(o.profileId, (spend.get(o.profileId) ?? 0) + o.netMinor);
    }
    const churned = [...last.values()].filter((d) => daysBetween(d, p.to) >= input.settings.churnDays).length;
    return { customers: last.size, churned, spend: [...spend.values()].reduce((t, v) => t + v, 0) };
  };

  // Activity: (profile, local day) pairs of any event at the store.
  const active = new Map<string, Set<string>>();
  for (const e of input.events) {
    if (!e.profileId || !inStore(input, e.storeId)) continue;
    const d = localDay(e.ts, timeZone);
    active.set(d, (active.get(d) ?? new Set()).add(e.profileId));
  }
  const activeBetween = (from: string, to: string) => {
    const out = new Set<string>();
    for (const d of daysOf(from, to)) for (const p of active.get(d) ?? []) out.add(p);
    return out;
  };
  const activeIn = (p: KpiPeriod) => activeBetween(p.from, p.to);
  const retention = (before: KpiPeriod, p: KpiPeriod) => {
    const a = activeIn(before);
    const b = activeIn(p);
    return div([...a].filter((x) => b.has(x)).length, a.size);
  };

  const members = refNewMembers(input);
  const newIn = (p: KpiPeriod) => members.filter((m) => inPeriod(p, m.day)).length;

  // Costs spread evenly over their days in whole minor units: day i of n gets ⌊A(i+1)/n⌋ − ⌊Ai/n⌋.
  const costOn = (d: string) =>
    input.costs
      .filter((c) => (input.store === null || c.storeId === input.store.id) && c.from <= d && d <= c.to)
      .reduce((t, c) => {
        const n = daysBetween(c.from, c.to) + 1;
        const i = daysBetween(c.from, d);
        return t + Math.floor((c.amountMinor * (i + 1)) / n) - Math.floor((c.amountMinor * i) / n);
      }, 0);
  const costIn = (p: KpiPeriod) => daysOf(p.from, p.to).reduce((t, d) => t + costOn(d), 0);

  const survey = (p: KpiPeriod) => {
    const es = input.events.filter((e) => inStore(input, e.storeId) && inPeriod(p, localDay(e.ts, timeZone)));
    const invites = es.filter((e) => e.event === input.settings.referral.inviteEvent).length;
    const conversions = es.filter((e) => e.event === input.settings.referral.conversionEvent).length;
    const scores = es
      .filter((e) => e.event === input.settings.nps.event)
      .map((e) => Number(e.properties[input.settings.nps.scoreProperty]))
      .filter((s) => Number.isFinite(s) && s >= 0 && s <= 10);
    return { invites, conversions, scores };
  };
  const npsOf = (scores: number[]) => (scores.length === 0 ? null : (100 * (scores.filter((s) => s >= 9).length - scores.filter((s) => s <= 6).length)) / scores.length);

  const ltvOf = (p: KpiPeriod) => {
    const s = stock(p);
    return div(s.spend, s.customers);
  };
  const cacOf = (p: KpiPeriod) => (costIn(p) === 0 ? null : div(costIn(p), newIn(p)));

  // Messages a channel took (delivered, or awaiting WeCom's confirmation), webhooks aside, by the day sent.
  const sentDays = input.messages
    .filter((m) => m.sentAt !== null && (m.status === "delivered" || m.status === "pending_confirmation") && m.channel !== "webhook")
    .map((m) => localDay(m.sentAt!, timeZone));
  // What the ledgers owed at a period's end, with every write before it: points per member, a
  // member below zero owing nothing; coupons issued, still valid at the period's last moment and not
  // yet redeemed, at face value.
  const pointsOwed = (p: KpiPeriod) => {
    const byMember = new Map<string, { available: number; pending: number }>();
    for (const e of input.pointsEntries) {
      if (e.createdAt >= p.end) continue;
      const m = byMember.get(e.profileId) ?? { available: 0, pending: 0 };
      m.available += e.delta;
      m.pending += e.pendingDelta;
      byMember.set(e.profileId, m);
    }
    return [...byMember.values()].reduce((t, m) => t + Math.max(m.available, 0) + m.pending, 0);
  };
  const couponFaceOwed = (p: KpiPeriod) =>
    input.coupons
      .filter((c) => c.issuedAt < p.end && c.validUntil >= p.end && (c.redeemedAt === null || c.redeemedAt >= p.end))
      .reduce((t, c) => t + (["fixed", "threshold", "shipping"].includes(c.kind) ? (c.amountMinor ?? 0) : 0), 0);

  return {
    newMembers: { ...both(newIn), series: series((d) => members.filter((m) => m.day === d).length) },
    activeMembers: { ...both((p) => activeIn(p).size), series: series((d) => active.get(d)?.size ?? 0) },
    buyers: { ...both((p) => buyerCounts(p).size), series: series((d) => new Set(dayOrders(d).map((o) => o.profileId).filter((x) => x !== null)).size) },
    dau: { ...both((p) => daysOf(p.from, p.to).reduce((t, d) => t + (active.get(d)?.size ?? 0), 0) / p.days) },
    wau: { ...both((p) => activeBetween(shiftDay(p.to, -6), p.to).size), series: series((d) => activeBetween(shiftDay(d, -6), d).size) },
    mau: { ...both((p) => activeBetween(shiftDay(p.to, -29), p.to).size), series: series((d) => activeBetween(shiftDay(d, -29), d).size) },
    orders: { ...both(ordersOf), series: series((d) => dayOrders(d).length) },
    gmv: { ...both(gmvOf), series: series((d) => orders.filter((o) => o.day === d).reduce((t, o) => t + o.netMinor, 0)) },
    averageOrderValue: { ...both((p) => div(gmvOf(p), ordersOf(p))) },
    repurchaseRate: { ...both((p) => div([...buyerCounts(p).values()].filter((n) => n >= 2).length, buyerCounts(p).size)) },
    repurchaseCycleDays: { ...both((p) => median(gaps.filter((g) => inPeriod(p, g.day)).map((g) => g.gap))), series: series((d) => median(gaps.filter((g) => g.day === d).map((g) => g.gap))) },
    retention: { value: retention(w.previous, w.current), previous: retention(w.beforePrevious, w.previous) },
    churnRate: { ...both((p) => div(stock(p).churned, stock(p).customers)) },
    ltv: { ...both(ltvOf) },
    acquisitionCost: { ...both(costIn) },
    cac: { ...both(cacOf) },
    ltvToCac: { ...both((p) => {
      const l = ltvOf(p);
      const c = cacOf(p);
      return l === null || c === null || c === 0 ? null : l / c;
    }) },
    kFactor: { ...both((p) => {
      const s = survey(p);
      return s.invites + s.conversions === 0 ? null : div(s.conversions, activeIn(p).size);
    }) },
    nps: { ...both((p) => npsOf(survey(p).scores)) },
    messagesSent: { ...both((p) => sentDays.filter((d) => inPeriod(p, d)).length), series: series((d) => sentDays.filter((x) => x === d).length) },
    pointsLiability: { ...both(pointsOwed) },
    couponLiability: { ...both(couponFaceOwed) },
  };
}
