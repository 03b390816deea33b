import type { LifecycleOverviewDto, RfmOverviewDto, ValuePyramidDto } from "@siyu/contracts";
import type { EChartsCoreOption } from "echarts/core";

const SCORES = [1, 2, 3, 4, 5];

export interface HeatmapLabels {
  r: string;
  f: string;
  customers: string;
  averageSpend: string;
}

/** R (rows, 5 on top) × F (columns): colour is the number of customers, the tooltip adds average spend. */
export function buildRfmHeatmapOption(
  cells: RfmOverviewDto["heatmap"],
  labels: HeatmapLabels,
  formatSpend: (major: number) => string,
): EChartsCoreOption {
  const byKey = new Map(cells.map((c) => [`${c.r}-${c.f}`, c]));
  const data = SCORES.flatMap((r) =>
    SCORES.map((f) => {
      const cell = byKey.get(`${r}-${f}`);
      return [f - 1, r - 1, cell?.customers ?? 0, cell?.monetaryAvg ?? 0];
    }),
  );
  const max = Math.max(1, ...cells.map((c) => c.customers));
  return {
    tooltip: {
      formatter: (p: { value: [number, number, number, number] }) => {
        const [f, r, customers, avg] = p.value;
        return `${labels.r} ${r + 1} · ${labels.f} ${f + 1}<br/>${labels.customers}: ${customers}<br/>${labels.averageSpend}: ${formatSpend(avg)}`;
      },
    },
    grid: { left: 56, right: 24, top: 16, bottom: 96 },
    xAxis: { type: "category", data: SCORES.map(String), name: labels.f, nameLocation: "middle", nameGap: 28, splitArea: { show: true } },
    yAxis: { type: "category", data: SCORES.map(String), name: labels.r, nameLocation: "middle", nameGap: 32, splitArea: { show: true } },
    visualMap: { min: 0, max, calculable: true, orient: "horizontal", left: "center", bottom: 0, dimension: 2 },
    series: [{ type: "heatmap", data, label: { show: true, formatter: (p: { value: number[] }) => String(p.value[2]) } }],
  };
}

export function buildLifecycleBarOption(stages: LifecycleOverviewDto["stages"], stageLabel: (stage: string) => string): EChartsCoreOption {
  return {
    tooltip: { trigger: "axis" },
    grid: { left: 48, right: 16, top: 16, bottom: 32 },
    xAxis: { type: "category", data: stages.map((s) => stageLabel(s.stage)) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: stages.map((s) => s.customers), label: { show: true, position: "top" } }],
  };
}

/** The pyramid: SVIP at the top, customers without spend left out (they are not part of it). */
export function buildValuePyramidOption(tiers: ValuePyramidDto["tiers"], tierLabel: (tier: string) => string): EChartsCoreOption {
  const ranked = tiers.filter((t) => t.tier !== "none");
  return {
    tooltip: { trigger: "item", formatter: "{b}: {c}" },
    series: [
      {
        type: "funnel",
        sort: "ascending",
        data: ranked.map((t, i) => ({ name: tierLabel(t.tier), value: t.customers, itemStyle: { opacity: 1 - i * 0.15 } })),
        label: { show: true, position: "inside", formatter: "{b}\n{c}" },
        minSize: "20%",
        maxSize: "100%",
        gap: 2,
      },
    ],
  };
}
