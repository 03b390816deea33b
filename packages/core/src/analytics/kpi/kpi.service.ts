import { eq } from "@siyu/storage/orm";
import type { Db, Warehouse } from "@siyu/storage";
import type {
  AcquisitionCostBody,
  AcquisitionCostListQuery,
  AnalyticsSettingsDto,
  CacBreakdownDto,
  CampaignRoiDto,
  CampaignRoiQuery,
  CampaignRoiRowDto,
  DashboardDto,
  DashboardQuery,
  KpiMetricDto,
  KpiMetricKey,
  KpiUnit,
  UpdateAnalyticsSettingsBody,
  WeeklyReportDto,
} from "@siyu/contracts";
import type { WorkspaceContext } from "../../shared/context";
import { minorUnitsPer } from "../../profiles";
import { workspaces } from "../../workspaces";
import { allocateCosts, createCost, deleteCost, listCosts, replaceCost, type CostDeps } from "./acquisition-costs";
import { couponsOwedAt, pointsOwedAt } from "../../loyalty";
import { alertsOfDays, alertsSummary } from "../alerts";
import { messagesSentBetween } from "../../messaging";
import { daysOf, isoWeekOf, lastDays, mondayOfIsoWeek, periodOf, shiftDay, startOfDay, windowsOf, type KpiPeriod, type KpiWindows } from "./kpi-period";
import { kpiErrors } from "./kpi.errors";
import { analyticsSettingsStore, loadAnalyticsSettings } from "./kpi.settings";
import { eventSequences } from "../../warehouse";
import { activityFigures } from "./kpi.activity";
import { orderFigures } from "./kpi.orders";
import {
  dailySeries,
  readAttributedRevenue,
  readClvAverage,
  type RevenueCredit,
  readNewMembers,
  readSurveyFigures,
  type KpiScope,
} from "./kpi.warehouse";

export interface KpiDeps extends CostDeps {
  warehouse?: Warehouse;
  /** The store a dashboard filters on, as the caller may see it (store managers only theirs); throws when unknown. */
  storeOf: (ctx: WorkspaceContext, storeId: string) => Promise<{ id: string; code: string }>;
}

/** The default period: 30 days ending yesterday. */
const DEFAULT_DAYS = 30;

export function createKpiService(deps: KpiDeps) {
  return {
    settings: (ctx: WorkspaceContext) => loadAnalyticsSettings(deps.db, ctx.workspaceId),
    updateSettings: (ctx: WorkspaceContext, body: UpdateAnalyticsSettingsBody) => analyticsSettingsStore.replace(deps.db, deps.clock, ctx, body),
    dashboard: (ctx: WorkspaceContext, query: DashboardQuery) => dashboard(deps, ctx, query),
    listCosts: async (ctx: WorkspaceContext, query: AcquisitionCostListQuery) => ({ items: await listCosts(deps.db, ctx.workspaceId, query) }),
    createCost: (ctx: WorkspaceContext, body: AcquisitionCostBody) => createCost(deps, ctx, body),
    replaceCost: (ctx: WorkspaceContext, costId: string, body: AcquisitionCostBody) => replaceCost(deps, ctx, costId, body),
    deleteCost: (ctx: WorkspaceContext, costId: string) => deleteCost(deps, ctx, costId),
    campaignRoi: (ctx: WorkspaceContext, query: CampaignRoiQuery) => campaignRoi(deps, ctx, query),
    weeklyReport: (ctx: WorkspaceContext, week?: string) => weeklyReport(deps, ctx, week),
  };
}
export type KpiService = ReturnType<typeof createKpiService>;

interface WorkspaceFacts {
  timeZone: string;
  currency: string;
}

async function workspaceFacts(db: Db, workspaceId: string): Promise<WorkspaceFacts> {
  const [row] = await db.select({ timezone: workspaces.timezone, currency: workspaces.currency }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return { timeZone: row?.timezone ?? "Asia/Shanghai", currency: row?.currency ?? "CNY" };
}

function requireWarehouse(deps: KpiDeps): Warehouse {
  if (!deps.warehouse) throw kpiErrors.error("analytics.warehouse_unavailable", "The KPIs are computed in the warehouse, which this server runs without.");
  return deps.warehouse;
}

async function scopeOf(deps: KpiDeps, ctx: WorkspaceContext, facts: WorkspaceFacts, storeId: string | undefined): Promise<KpiScope> {
  if (!storeId && ctx.storeIds !== null) {
    throw kpiErrors.error("analytics.store_required", "Pick one of your stores.", [{ path: "storeId", message: "is required for a store manager" }]);
  }
  return {
    workspaceId: ctx.workspaceId,
    timeZone: facts.timeZone,
    minorPer: minorUnitsPer(facts.currency),
    store: storeId ? await deps.storeOf(ctx, storeId) : null,
  };
}

const ratio = (a: number, b: number): number | null => (b === 0 ? null : a / b);
/** A period's last instant, whose state the period leaves (the ledgers' times are whole milliseconds). */
const lastInstant = (p: KpiPeriod) => new Date(p.end.getTime() - 1);

function metric(
  key: KpiMetricKey,
  unit: KpiUnit,
  value: number | null,
  previous: number | null,
  series: KpiMetricDto["series"] = [],
  note: string | null = null,
): KpiMetricDto {
  const change = value === null || previous === null ? null : value - previous;
  return { key, unit, value, previous, change, changeRatio: change === null || !previous ? null : change / Math.abs(previous), series, note };
}

/** Everything the dashboard shows for one period and the one before it. */
async function dashboard(deps: KpiDeps, ctx: WorkspaceContext, query: DashboardQuery): Promise<DashboardDto> {
  const warehouse = requireWarehouse(deps);
  const facts = await workspaceFacts(deps.db, ctx.workspaceId);
  const scope = await scopeOf(deps, ctx, facts, query.storeId);
  const now = deps.clock.now();
  const current = query.from && query.to ? periodOf(query.from, query.to, facts.timeZone) : lastDays(now, facts.timeZone, DEFAULT_DAYS);
  const settings = await loadAnalyticsSettings(deps.db, ctx.workspaceId);
  const started = performance.now();
  const metrics = await computeMetrics(deps, warehouse, scope, windowsOf(current, facts.timeZone), settings);
  const tookMs = performance.now() - started;
  const { previous } = windowsOf(current, facts.timeZone);
  return {
    period: { from: current.from, to: current.to, days: current.days },
    previousPeriod: { from: previous.from, to: previous.to, days: previous.days },
    timeZone: facts.timeZone,
    currency: facts.currency,
    storeId: query.storeId ?? null,
    metrics: metrics.metrics,
    cacBreakdown: metrics.cacBreakdown,
    computedAt: now.toISOString(),
    tookMs: Math.round(tookMs),
  };
}

/** The metrics of `w.current` against `w.previous`; exported for the benchmark and tests. */
export async function computeMetrics(
  deps: Pick<KpiDeps, "db">,
  warehouse: Warehouse,
  scope: KpiScope,
  w: KpiWindows,
  settings: AnalyticsSettingsDto,
): Promise<{ metrics: KpiMetricDto[]; cacBreakdown: CacBreakdownDto[] }> {
  const { current: cur, previous: prev } = w;
  // Both periods' days, which follow each other, and the instant after the last.
  const days = daysOf(prev.from, cur.to);
  // PostgreSQL reads overlap the warehouse's (which run one at a time on its one connection).
  const costsRead = listCosts(deps.db, scope.workspaceId, { from: prev.from, to: cur.to });
  const postgres = Promise.all([
    costsRead,
    pointsOwedAt(deps.db, scope.workspaceId, lastInstant(cur)),
    pointsOwedAt(deps.db, scope.workspaceId, lastInstant(prev)),
    couponsOwedAt(deps.db, scope.workspaceId, lastInstant(cur)),
    couponsOwedAt(deps.db, scope.workspaceId, lastInstant(prev)),
    messagesSentBetween(deps.db, scope.workspaceId, [...days.map((d) => startOfDay(d, scope.timeZone)), cur.end]),
  ]);
  // Awaited below; if a warehouse read throws first, its failure must not go unhandled meanwhile.
  postgres.catch(() => undefined);
  // One catch-up of the in-memory event sequences serves the orders and the activity.
  const sequences = await eventSequences(warehouse, scope.workspaceId);
  const costRows = (await costsRead).filter((c) => scope.store === null || c.storeId === scope.store.id);
  // Acquisition cost of each period (per channel or campaign): new members by channel or campaign only for the kinds with a cost.
  const costIn = (p: KpiPeriod) => allocateCosts(costRows, p.from, p.to);
  const costsNow = costIn(cur);
  const breakdown = { channel: costsNow.some((c) => c.kind === "channel"), campaign: costsNow.some((c) => c.kind === "campaign") };
  // The warehouse's statements run on DuckDB's threads while the walks below hold this one: queued
  // first, the new members' (the longest) at the head, which runs meanwhile.
  const statements = Promise.all([
    readNewMembers(warehouse, scope, w, settings.acquisitionWindowDays, breakdown),
    readSurveyFigures(warehouse, scope, w, settings),
    readClvAverage(warehouse, scope, cur.end),
  ]);
  statements.catch(() => undefined);
  await warehouse.started();
  const orders = orderFigures(sequences, scope, w, settings.churnDays);
  const activity = activityFigures(sequences, scope, w);
  const [newRows, surveys, clvAverageMinor] = await statements;
  const [, pointsNow, pointsBefore, couponsNow, couponsBefore, sentPerDay] = await postgres;

  const sumDays = (p: KpiPeriod, pick: (d: string) => number) => {
    let total = 0;
    for (const point of dailySeries(p, new Map(), () => 0)) total += pick(point.day);
    return total;
  };
  const ordersOn = (d: string) => orders.daily.get(d)?.orders ?? 0;
  const gmvOn = (d: string) => orders.daily.get(d)?.gmvMinor ?? 0;
  const ordersCount = { current: sumDays(cur, ordersOn), previous: sumDays(prev, ordersOn) };
  const gmv = { current: sumDays(cur, gmvOn), previous: sumDays(prev, gmvOn) };
  const newOn = new Map<string, number>();
  for (const r of newRows.daily) newOn.set(r.day, (newOn.get(r.day) ?? 0) + r.count);
  const newMembers = {
    current: newRows.daily.filter((r) => r.current).reduce((t, r) => t + r.count, 0),
    previous: newRows.daily.filter((r) => !r.current).reduce((t, r) => t + r.count, 0),
  };
  const activeOn = (d: string) => activity.daily.get(d) ?? 0;
  const sentOn = new Map(days.map((d, i) => [d, sentPerDay[i]!]));

  // Acquisition cost of each period, and per day for the sparkline.
  const totalCost = (p: KpiPeriod) => costIn(p).reduce((t, c) => t + c.amountMinor, 0);
  const cost = { current: totalCost(cur), previous: totalCost(prev) };
  const costSeries = dailySeries(cur, new Map(), () => 0).map((p) => ({ day: p.day, value: allocateCosts(costRows, p.day, p.day).reduce((t, c) => t + c.amountMinor, 0) }));
  // No money spent: CAC is undefined rather than 0.
  const cacOf = (c: number, members: number) => (c === 0 ? null : ratio(c, members));
  const cac = { current: cacOf(cost.current, newMembers.current), previous: cacOf(cost.previous, newMembers.previous) };

  const historic = clvAverageMinor === null;
  const ltv = historic
    ? { current: ratio(orders.spendMinor.current, orders.customers.current), previous: ratio(orders.spendMinor.previous, orders.customers.previous) }
    : { current: clvAverageMinor, previous: clvAverageMinor };
  const n = (l: number | null, c: number | null) => (l === null || c === null || c === 0 ? null : l / c);

  const points = { current: pointsNow.available + pointsNow.pending, previous: pointsBefore.available + pointsBefore.pending };
  const storeWide = scope.store ? "workspace-wide: loyalty balances have no store" : null;

  const k = (p: "current" | "previous") =>
    surveys.invites[p] + surveys.conversions[p] === 0 ? null : ratio(surveys.conversions[p], activity.active[p]);
  const nps = (p: "current" | "previous") => (surveys.responses[p] === 0 ? null : (100 * surveys.npsPoints[p]) / surveys.responses[p]);

  const metrics: KpiMetricDto[] = [
    metric("newMembers", "count", newMembers.current, newMembers.previous, dailySeries(cur, newOn, (v) => v ?? 0)),
    metric("activeMembers", "count", activity.active.current, activity.active.previous, dailySeries(cur, activity.daily, (v) => v ?? 0), "customers with any event in the period"),
    metric("buyers", "count", orders.buyers.current, orders.buyers.previous, dailySeries(cur, orders.daily, (v) => v?.buyers ?? 0), "customers with an order in the period"),
    metric("dau", "count", sumDays(cur, activeOn) / cur.days, sumDays(prev, activeOn) / prev.days, dailySeries(cur, activity.daily, (v) => v ?? 0)),
    metric("wau", "count", activity.wau.current, activity.wau.previous, dailySeries(cur, activity.rolling, (v) => v?.wau ?? 0), "active in the 7 days ending on the period's last day"),
    metric("mau", "count", activity.mau.current, activity.mau.previous, dailySeries(cur, activity.rolling, (v) => v?.mau ?? 0), "active in the 30 days ending on the period's last day"),
    metric("orders", "count", ordersCount.current, ordersCount.previous, dailySeries(cur, orders.daily, (v) => v?.orders ?? 0)),
    metric("gmv", "money", gmv.current, gmv.previous, dailySeries(cur, orders.daily, (v) => v?.gmvMinor ?? 0), "net of refunds of the period's orders"),
    metric(
      "averageOrderValue",
      "money",
      ratio(gmv.current, ordersCount.current),
      ratio(gmv.previous, ordersCount.previous),
      dailySeries(cur, orders.daily, (v) => (v && v.orders > 0 ? v.gmvMinor / v.orders : null)),
    ),
    metric("repurchaseRate", "share", ratio(orders.repeatBuyers.current, orders.buyers.current), ratio(orders.repeatBuyers.previous, orders.buyers.previous), [], "share of the period's buyers with 2 or more orders in it"),
    metric("repurchaseCycleDays", "days", orders.cycle.current, orders.cycle.previous, dailySeries(cur, orders.cycleDaily, (v) => v ?? null), "median days between a customer's consecutive order days"),
    metric("retention", "share", ratio(activity.retained.current, activity.activeBefore.current), ratio(activity.retained.previous, activity.activeBefore.previous), [], "share of the previous period's active customers active again"),
    metric(
      "churnRate",
      "share",
      ratio(orders.churned.current, orders.customers.current),
      ratio(orders.churned.previous, orders.customers.previous),
      [],
      `customers whose last order is ${settings.churnDays}+ days before the period's last day`,
    ),
    metric("ltv", "money", ltv.current, ltv.previous, [], historic ? "historic_spend: net spend per customer so far (no CLV predictions)" : "clv_365d: mean expected 365-day value (CLV model)"),
    metric("acquisitionCost", "money", cost.current, cost.previous, costSeries),
    metric(
      "cac",
      "money",
      cac.current,
      cac.previous,
      costSeries.map((p) => ({ day: p.day, value: cacOf(p.value, newOn.get(p.day) ?? 0) })),
      cost.current === 0 ? "no acquisition costs entered for the period" : "acquisition cost ÷ new members",
    ),
    metric("ltvToCac", "ratio", n(ltv.current, cac.current), n(ltv.previous, cac.previous)),
    metric("pointsLiability", "points", points.current, points.previous, [], storeWide ?? "available + pending points booked by the period's end (the liability report as of then)"),
    metric(
      "couponLiability",
      "money",
      couponsNow.faceValueMinor,
      couponsBefore.faceValueMinor,
      [],
      `${couponsNow.count} coupons issued by the period's end and unredeemed then (${couponsNow.withoutFaceValue} without a fixed face value)${storeWide ? `; ${storeWide}` : ""}`,
    ),
    metric(
      "messagesSent",
      "count",
      sumDays(cur, (d) => sentOn.get(d)!),
      sumDays(prev, (d) => sentOn.get(d)!),
      dailySeries(cur, sentOn, (v) => v ?? 0),
      `messages to customers a channel took (delivered, or awaiting WeCom confirmation), by the day sent${scope.store ? "; workspace-wide: messages have no store" : ""}`,
    ),
    metric("kFactor", "ratio", k("current"), k("previous"), [], k("current") === null ? `no ${settings.referral.inviteEvent} / ${settings.referral.conversionEvent} events in the period` : "referral conversions ÷ active customers"),
    metric(
      "nps",
      "score",
      nps("current"),
      nps("previous"),
      dailySeries(cur, surveys.npsDaily, (v) => (v && v.responses > 0 ? (100 * v.points) / v.responses : null)),
      nps("current") === null ? `no ${settings.nps.event} events with a 0–10 ${settings.nps.scoreProperty}` : null,
    ),
  ];

  const cacBreakdown: CacBreakdownDto[] = costsNow.map((c) => {
    const members = newRows.acquired.filter((r) => (c.kind === "channel" ? r.channel === c.key : r.campaign === c.key)).reduce((t, r) => t + r.count, 0);
    return { kind: c.kind, key: c.key, costMinor: c.amountMinor, newMembers: members, cacMinor: ratio(c.amountMinor, members) };
  });
  cacBreakdown.sort((a, b) => b.costMinor - a.costMinor || a.key.localeCompare(b.key));
  return { metrics, cacBreakdown };
}

async function campaignRoi(deps: KpiDeps, ctx: WorkspaceContext, query: CampaignRoiQuery): Promise<CampaignRoiDto> {
  const warehouse = requireWarehouse(deps);
  const facts = await workspaceFacts(deps.db, ctx.workspaceId);
  const period = query.from && query.to ? periodOf(query.from, query.to, facts.timeZone) : lastDays(deps.clock.now(), facts.timeZone, DEFAULT_DAYS);
  const lastTouch = query.credit === "lastTouch";
  return {
    period: { from: period.from, to: period.to, days: period.days },
    credit: query.credit,
    lookbackDays: lastTouch ? query.lookbackDays : null,
    currency: facts.currency,
    rows: await roiRows(deps, warehouse, ctx, facts, period, lastTouch ? { lookbackDays: query.lookbackDays } : null),
  };
}

async function roiRows(
  deps: KpiDeps,
  warehouse: Warehouse,
  ctx: WorkspaceContext,
  facts: WorkspaceFacts,
  period: KpiPeriod,
  /** Credit by last touch with this lookback; null: by the order and its buyer's acquisition. */
  lastTouch: { lookbackDays: number } | null = null,
): Promise<CampaignRoiRowDto[]> {
  const scope = await scopeOf(deps, ctx, facts, undefined);
  const settings = await loadAnalyticsSettings(deps.db, ctx.workspaceId);
  const credit: RevenueCredit = lastTouch ? { rule: "lastTouch", ...lastTouch } : { rule: "order", acquisitionWindowDays: settings.acquisitionWindowDays };
  const revenue = await readAttributedRevenue(warehouse, scope, period, settings.margin, credit);
  const costs = allocateCosts(await listCosts(deps.db, ctx.workspaceId, { from: period.from, to: period.to }), period.from, period.to);
  const keyOf = (kind: string, key: string) => `${kind}\u0000${key}`;
  const rows = new Map<string, { kind: "channel" | "campaign"; key: string; cost: number; revenue: number; orders: number; margin: number }>();
  for (const c of costs) rows.set(keyOf(c.kind, c.key), { kind: c.kind, key: c.key, cost: c.amountMinor, revenue: 0, orders: 0, margin: 0 });
  for (const r of revenue) {
    const row = rows.get(keyOf(r.kind, r.key)) ?? { kind: r.kind, key: r.key, cost: 0, revenue: 0, orders: 0, margin: 0 };
    row.revenue += r.revenueMinor;
    row.orders += r.orders;
    row.margin += r.marginMinor;
    rows.set(keyOf(r.kind, r.key), row);
  }
  return [...rows.values()]
    .map((r) => {
      const costMinor = r.cost;
      return {
        kind: r.kind,
        key: r.key,
        costMinor,
        revenueMinor: r.revenue,
        orders: r.orders,
        roi: costMinor === 0 ? null : (r.revenue - costMinor) / costMinor,
        marginContributionMinor: Math.round(r.margin) - costMinor,
      };
    })
    .sort((a, b) => (b.roi ?? -Infinity) - (a.roi ?? -Infinity) || b.revenueMinor - a.revenueMinor || a.key.localeCompare(b.key));
}

/** The brand plans' weekly review: the week's KPIs against the week before, top campaigns by ROI, the week's alerts. */
async function weeklyReport(deps: KpiDeps, ctx: WorkspaceContext, week?: string): Promise<WeeklyReportDto> {
  const warehouse = requireWarehouse(deps);
  const facts = await workspaceFacts(deps.db, ctx.workspaceId);
  const isoWeek = week ?? isoWeekOf(shiftDay(lastDays(deps.clock.now(), facts.timeZone, 1).from, -6));
  const monday = mondayOfIsoWeek(isoWeek);
  if (!monday) throw kpiErrors.error("analytics.invalid_week", `${isoWeek} is not a week of its year.`, [{ path: "week", message: "is not a week of its year" }]);
  const period = periodOf(monday, shiftDay(monday, 6), facts.timeZone);
  const settings = await loadAnalyticsSettings(deps.db, ctx.workspaceId);
  const scope = await scopeOf(deps, ctx, facts, undefined);
  const w = windowsOf(period, facts.timeZone);
  const { metrics } = await computeMetrics(deps, warehouse, scope, w, settings);
  const roi = await roiRows(deps, warehouse, ctx, facts, period);
  const alerts = await alertsOfDays(deps.db, ctx.workspaceId, period.from, period.to);
  return {
    week: isoWeek,
    period: { from: period.from, to: period.to, days: period.days },
    previousPeriod: { from: w.previous.from, to: w.previous.to, days: w.previous.days },
    currency: facts.currency,
    timeZone: facts.timeZone,
    kpis: metrics.map(({ series: _series, ...rest }) => rest),
    topCampaigns: roi.filter((r) => r.roi !== null).slice(0, settings.weeklyTopCampaigns),
    alerts,
    alertsNote: alertsSummary(alerts),
  };
}
