import type { BreakdownGroup, EventsResultDto, FunnelResultDto, PathsResultDto, RetentionResultDto } from "@siyu/contracts";
import type { EChartOption } from "../../components/echart";
import { formatCsv } from "../../lib/csv-format";

/** A result as rows and columns: what "view as table" shows and the CSV holds. */
export interface ResultTable {
  columns: string[];
  rows: (string | number | null)[][];
}

export type Labels = { all: string; other: string; none: string; step: string; count: string; fromPrevious: string; fromFirst: string; median: string; cohort: string; size: string; period: string; source: string; target: string; customers: string };

export function groupLabel(group: BreakdownGroup, labels: Pick<Labels, "all" | "other" | "none">): string {
  return group.kind === "value" ? group.value : labels[group.kind];
}

const percent = (v: number | null) => (v === null ? null : Math.round(v * 10_000) / 100);

export function eventsTable(result: EventsResultDto, labels: Labels): ResultTable {
  return {
    columns: [labels.period, ...result.series.map((s) => groupLabel(s.group, labels))],
    rows: result.buckets.map((bucket, i) => [bucket, ...result.series.map((s) => s.values[i] ?? 0)]),
  };
}

export function buildEventsOption(result: EventsResultDto, labels: Labels, type: "line" | "bar"): EChartOption {
  return {
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 48, right: 16, top: 16, bottom: 48 },
    xAxis: { type: "category", data: result.buckets },
    yAxis: { type: "value" },
    series: result.series.map((s) => ({ type, name: groupLabel(s.group, labels), data: s.values, stack: type === "bar" ? "total" : undefined, showSymbol: result.buckets.length < 40 })),
  };
}

export function funnelTable(result: FunnelResultDto, labels: Labels): ResultTable {
  const rows: ResultTable["rows"] = [];
  for (const series of result.series) {
    series.steps.forEach((step, i) => {
      rows.push([groupLabel(series.group, labels), `${i + 1}. ${step.event}`, step.count, percent(step.fromPrevious), percent(step.fromFirst), step.medianSecondsFromPrevious]);
    });
  }
  return { columns: ["group", labels.step, labels.count, `${labels.fromPrevious} %`, `${labels.fromFirst} %`, `${labels.median} (s)`], rows };
}

export function buildFunnelOption(result: FunnelResultDto): EChartOption {
  const all = result.series[0];
  const steps = all?.steps ?? [];
  return {
    tooltip: { trigger: "item", formatter: "{b}: {c}" },
    series: [
      {
        type: "funnel",
        sort: "none",
        left: "10%",
        width: "80%",
        minSize: "8%",
        label: { show: true, position: "inside", formatter: "{b}\n{c}" },
        data: steps.map((s, i) => ({ name: `${i + 1}. ${s.event}`, value: s.count })),
      },
    ],
  };
}

export function retentionTable(result: RetentionResultDto, labels: Labels): ResultTable {
  const periods = result.average.length;
  return {
    columns: [labels.cohort, labels.size, ...Array.from({ length: periods }, (_, k) => `${labels.period} ${k}`)],
    rows: result.cohorts.map((c) => [c.cohort, c.size, ...c.counts.map((n, k) => (n === null ? null : `${n} (${percent(c.rates[k] ?? null)}%)`))]),
  };
}

export function buildRetentionHeatmap(result: RetentionResultDto, labels: Labels): EChartOption {
  const periods = result.average.length;
  const data = result.cohorts.flatMap((c, y) => c.rates.map((r, x) => (r === null ? null : [x, y, percent(r)])).filter((d) => d !== null));
  return {
    tooltip: { position: "top" },
    grid: { left: 96, right: 16, top: 16, bottom: 64 },
    xAxis: { type: "category", data: Array.from({ length: periods }, (_, k) => `${labels.period} ${k}`), splitArea: { show: true } },
    yAxis: { type: "category", data: result.cohorts.map((c) => `${c.cohort} (${c.size})`), inverse: true, splitArea: { show: true } },
    visualMap: { min: 0, max: 100, calculable: true, orient: "horizontal", left: "center", bottom: 0, inRange: { color: ["#f0f5ff", "#1677ff"] } },
    series: [{ type: "heatmap", data, label: { show: true, formatter: (p: { value: number[] }) => `${p.value[2]}%` } }],
  };
}

export function buildRetentionCurves(result: RetentionResultDto, labels: Labels): EChartOption {
  const periods = result.average.length;
  return {
    tooltip: { trigger: "axis" },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 48, right: 16, top: 16, bottom: 48 },
    xAxis: { type: "category", data: Array.from({ length: periods }, (_, k) => `${labels.period} ${k}`) },
    yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { type: "line", name: labels.all, data: result.average.map(percent), lineStyle: { width: 3 } },
      ...result.cohorts.slice(-8).map((c) => ({ type: "line", name: c.cohort, data: c.rates.map(percent), lineStyle: { width: 1 }, showSymbol: false })),
    ],
  };
}

export function pathsTable(result: PathsResultDto, labels: Labels): ResultTable {
  const name = (id: string) => id.replace(/:~other$/, `:${labels.other}`);
  return { columns: [labels.source, labels.target, labels.customers], rows: result.links.map((l) => [name(l.source), name(l.target), l.customers]) };
}

export function buildPathsOption(result: PathsResultDto, labels: Labels): EChartOption {
  const name = (id: string) => id.replace(/:~other$/, `:${labels.other}`);
  return {
    tooltip: { trigger: "item" },
    series: [
      {
        type: "sankey",
        emphasis: { focus: "adjacency" },
        nodeAlign: "left",
        data: result.nodes.map((n) => ({ name: name(n.id), value: n.customers })),
        links: result.links.map((l) => ({ source: name(l.source), target: name(l.target), value: l.customers })),
        label: { formatter: (p: { name: string }) => p.name.replace(/^-?\d+:/, "") },
      },
    ],
  };
}

/** The table as a CSV file (BOM, CRLF), as Excel opens it. */
export function tableCsv(table: ResultTable): string {
  return formatCsv([table.columns, ...table.rows.map((row) => row.map((v) => (v === null ? "" : v)))]);
}
