import type { AlertMetric, AlertPreviewDto, AlertRuleBody } from "@siyu/contracts";
import type { EChartOption } from "../../components/echart";
import type { TranslateFn } from "../../lib/i18n";

export type PreviewPoint = AlertPreviewDto["points"][number];

export function round(value: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The metric in words: "Complaint Filed events", "Complaint Filed per Order Completed", … */
export function describeMetric(metric: AlertMetric, t: TranslateFn): string {
  switch (metric.kind) {
    case "event_count":
      return t("alerts.metricText.event_count", { event: metric.event });
    case "event_ratio":
      return t("alerts.metricText.event_ratio", { event: metric.event, per: metric.per });
    case "property_average":
      return t("alerts.metricText.property_average", { event: metric.event, property: metric.property });
    default:
      return t(`alerts.metric.${metric.kind}`);
  }
}

/** The condition in words, with how many periods running it must hold. */
export function describeCondition(rule: Pick<AlertRuleBody, "condition" | "granularity" | "consecutive">, t: TranslateFn): string {
  const c = rule.condition;
  const period = t(`alerts.granularity.${rule.granularity}`);
  let text: string;
  switch (c.kind) {
    case "threshold":
      text = t(`alerts.conditionText.threshold.${c.direction}`, { value: c.value });
      break;
    case "band":
      text = t(`alerts.conditionText.band.${c.direction}`, { k: c.k, window: c.window, period });
      break;
    case "change":
      text = t(c.percent > 0 ? "alerts.conditionText.change.up" : "alerts.conditionText.change.down", { percent: Math.abs(c.percent), period });
      break;
    case "forecast":
      text = t("alerts.conditionText.forecast", { factor: c.factor, window: c.window, period });
      break;
  }
  return rule.consecutive > 1 ? `${text}${t("alerts.conditionText.running", { n: rule.consecutive, period })}` : text;
}

/**
 * The preview: the series as a line, the bound as a dashed line, and the periods where the rule
 * would fire as markers on the series.
 */
export function previewChartOption(preview: AlertPreviewDto, names: { value: string; bound: string; fired: string }): EChartOption {
  const fires = new Set(preview.fires);
  const value = (p: PreviewPoint) => (p.value === null ? null : round(p.value));
  return {
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 36, bottom: 32 },
    xAxis: { type: "category", data: preview.points.map((p) => p.periodStart) },
    yAxis: { type: "value", scale: true },
    series: [
      { name: names.value, type: "line", data: preview.points.map(value), connectNulls: false, showSymbol: true },
      { name: names.bound, type: "line", data: preview.points.map((p) => (p.bound === null ? null : round(p.bound))), lineStyle: { type: "dashed" }, showSymbol: false, connectNulls: false },
      {
        name: names.fired,
        type: "line",
        data: preview.points.map((p) => (fires.has(p.periodStart) ? value(p) : null)),
        lineStyle: { opacity: 0 },
        symbol: "triangle",
        symbolSize: 16,
        itemStyle: { color: "#cf1322" },
        showSymbol: true,
        // Every fired period keeps its marker however dense the axis gets.
        showAllSymbol: true,
        z: 5,
        connectNulls: false,
      },
    ],
  };
}

/** What happened at a period in the preview: fired, resolved, breached (within a streak that has not fired yet) or nothing. */
export function pointOutcome(preview: AlertPreviewDto, p: PreviewPoint): "fired" | "resolved" | "breached" | null {
  if (preview.fires.includes(p.periodStart)) return "fired";
  if (preview.resolves.includes(p.periodStart)) return "resolved";
  return p.breached ? "breached" : null;
}
