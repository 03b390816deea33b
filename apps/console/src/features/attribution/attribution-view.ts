import type { AttributionModel, AttributionReportDto, AttributionRowDto } from "@siyu/contracts";
import type { EChartOption } from "../../components/echart";

export const MODELS: readonly AttributionModel[] = ["firstTouch", "lastTouch", "linear", "timeDecay", "shapley", "markov"];

/** The key operators see for a row; an empty key cannot happen, "(none)" guards the chart. */
const label = (row: AttributionRowDto) => row.key || "(none)";

/** Grouped bars: one group per channel, one bar per model, conversions credited. */
export function attributionChartOption(report: AttributionReportDto, modelNames: Record<AttributionModel, string>): EChartOption {
  const rows = report.rows;
  return {
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: (v: number) => round(v) },
    legend: { top: 0 },
    grid: { left: 48, right: 16, top: 40, bottom: 56 },
    xAxis: { type: "category", data: rows.map(label), axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
    yAxis: { type: "value" },
    series: MODELS.map((model) => ({ name: modelNames[model], type: "bar", data: rows.map((r) => round(r[model].conversions)) })),
  };
}

export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Share of the attributed conversions a model gives a row, in percent. */
export function shareOf(report: AttributionReportDto, row: AttributionRowDto, model: AttributionModel): number {
  const total = report.totals.attributedConversions;
  return total > 0 ? round((row[model].conversions / total) * 100, 1) : 0;
}
