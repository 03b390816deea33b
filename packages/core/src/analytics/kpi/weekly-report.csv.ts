import type { WeeklyReportDto } from "@siyu/contracts";
import { csvCell } from "../../segments";
import { minorUnitsPer } from "../../profiles";

/**
 * The weekly review as one CSV: a KPI section (metric, unit, this week, last week, change), a
 * campaigns section and the week's alerts. Money in major units of the workspace currency; shares as fractions.
 */
export function weeklyReportCsv(report: WeeklyReportDto): string {
  const per = minorUnitsPer(report.currency);
  const shown = (unit: string, v: number | null) => (v === null ? null : unit === "money" ? round(v / per) : round(v));
  const line = (cells: (string | number | null)[]) => cells.map(csvCell).join(",");
  const out = [
    line(["week", report.week, "from", report.period.from, "to", report.period.to, "currency", report.currency]),
    line(["metric", "unit", "this_week", "previous_week", "change", "note"]),
    ...report.kpis.map((k) => line([k.key, k.unit, shown(k.unit, k.value), shown(k.unit, k.previous), shown(k.unit, k.change), k.note])),
    "",
    line(["campaign_kind", "campaign", "cost", "revenue", "orders", "roi", "margin_contribution"]),
    ...report.topCampaigns.map((c) => line([c.kind, c.key, round(c.costMinor / per), round(c.revenueMinor / per), c.orders, c.roi === null ? null : round(c.roi), round(c.marginContributionMinor / per)])),
    "",
    line(["alerts", report.alertsNote]),
    line(["period_start", "rule", "severity", "kind", "message"]),
    ...report.alerts.map((a) => line([a.periodStart, a.rule, a.severity, a.kind, a.message])),
  ];
  return `${out.join("\r\n")}\r\n`;
}

const round = (v: number) => Math.round(v * 10_000) / 10_000;
