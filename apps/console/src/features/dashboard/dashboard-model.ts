import type { KpiMetricDto, KpiUnit } from "@siyu/contracts";

// Pure pieces of the dashboard: period presets, chart options, table rows and CSV text.

export type PeriodPreset = "last7" | "last30" | "last90" | "thisMonth" | "custom";
export const PERIOD_PRESETS: readonly PeriodPreset[] = ["last7", "last30", "last90", "thisMonth", "custom"];

export interface Period {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
export const shiftDay = (day: string, days: number) => new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** A preset's local days, given today's local day in the workspace's zone. "Last N days" end yesterday; this month ends today. */
export function presetPeriod(preset: Exclude<PeriodPreset, "custom">, today: string): Period {
  if (preset === "thisMonth") return { from: `${today.slice(0, 8)}01`, to: today };
  const days = preset === "last7" ? 7 : preset === "last30" ? 30 : 90;
  const to = shiftDay(today, -1);
  return { from: shiftDay(to, -(days - 1)), to };
}

/** Today in the zone, YYYY-MM-DD. */
export function localToday(now: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(now);
}

export type Direction = "up" | "down" | "flat" | "none";

export function directionOf(metric: Pick<KpiMetricDto, "change">): Direction {
  if (metric.change === null) return "none";
  return metric.change > 0 ? "up" : metric.change < 0 ? "down" : "flat";
}

/** Metrics where a rise is bad news (the arrow turns red going up). */
export const LOWER_IS_BETTER: ReadonlySet<string> = new Set(["churnRate", "cac", "acquisitionCost", "repurchaseCycleDays", "pointsLiability", "couponLiability"]);

/** A metric's value as the cards show it; money arrives in minor units. */
export function formatMetricValue(unit: KpiUnit, value: number | null, format: { money: (minor: number) => string; locale: string }): string {
  if (value === null || !Number.isFinite(value)) return "—";
  const number = (v: number, digits: number) => new Intl.NumberFormat(format.locale, { maximumFractionDigits: digits }).format(v);
  switch (unit) {
    case "money":
      return format.money(Math.round(value));
    case "share":
      return `${number(value * 100, 1)}%`;
    case "days":
      return number(value, 1);
    case "ratio":
      return number(value, 2);
    case "score":
      return number(value, 1);
    default:
      return number(value, value % 1 === 0 ? 0 : 1);
  }
}

export interface TrendLabels {
  [metric: string]: string;
}

/** GMV as bars on the right axis, orders and active customers as lines on the left, per day. */
export function buildTrendOption(metrics: readonly KpiMetricDto[], labels: TrendLabels, moneyPer: number) {
  const pick = (key: string) => metrics.find((m) => m.key === key);
  const gmv = pick("gmv");
  const days = (gmv ?? metrics[0])?.series.map((p) => p.day) ?? [];
  const values = (key: string, divide = 1) => (pick(key)?.series ?? []).map((p) => (p.value === null ? null : p.value / divide));
  return {
    animation: false,
    tooltip: { trigger: "axis" },
    legend: { data: [labels.gmv, labels.orders, labels.activeMembers] },
    grid: { left: 48, right: 56, top: 40, bottom: 32 },
    xAxis: { type: "category", data: days },
    yAxis: [
      { type: "value", name: labels.countAxis, minInterval: 1 },
      { type: "value", name: labels.moneyAxis, position: "right" },
    ],
    series: [
      { name: labels.gmv, type: "bar", yAxisIndex: 1, data: values("gmv", moneyPer), itemStyle: { color: "#91caff" } },
      { name: labels.orders, type: "line", data: values("orders"), smooth: true },
      { name: labels.activeMembers, type: "line", data: values("activeMembers"), smooth: true },
    ],
  };
}

/** Days × the trend's metrics, for "view as table" and its CSV. */
export function trendRows(metrics: readonly KpiMetricDto[], moneyPer: number): { day: string; gmv: number | null; orders: number | null; activeMembers: number | null }[] {
  const pick = (key: string) => metrics.find((m) => m.key === key)?.series ?? [];
  const gmv = pick("gmv");
  const orders = pick("orders");
  const active = pick("activeMembers");
  return gmv.map((p, i) => ({
    day: p.day,
    gmv: p.value === null ? null : p.value / moneyPer,
    orders: orders[i]?.value ?? null,
    activeMembers: active[i]?.value ?? null,
  }));
}

/** RFC 4180 CSV with a header row; text cells that could start a spreadsheet formula are defused. */
export function toCsv(header: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const cell = (v: string | number | null) => {
    if (v === null) return "";
    let text = String(v);
    if (typeof v === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `\uFEFF${[header, ...rows].map((r) => r.map(cell).join(",")).join("\r\n")}\r\n`;
}

/** Every metric of the dashboard as rows: metric, unit, value, previous, change (money in major units). */
export function metricsCsv(metrics: readonly KpiMetricDto[], labelOf: (key: string) => string, moneyPer: number): string {
  const shown = (m: KpiMetricDto, v: number | null) => (v === null ? null : m.unit === "money" ? v / moneyPer : v);
  return toCsv(
    ["metric", "label", "unit", "value", "previous", "change", "note"],
    metrics.map((m) => [m.key, labelOf(m.key), m.unit, shown(m, m.value), shown(m, m.previous), shown(m, m.change), m.note]),
  );
}
