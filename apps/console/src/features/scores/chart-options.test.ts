import { describe, expect, it } from "vitest";
import { buildLifecycleBarOption, buildRfmHeatmapOption, buildValuePyramidOption } from "./chart-options";

describe("score charts", () => {
  it("fill the 5 × 5 heat map, empty cells as 0, colour scaled to the fullest cell", () => {
    const option = buildRfmHeatmapOption(
      [
        { r: 5, f: 1, customers: 12, monetaryAvg: 32.5 },
        { r: 1, f: 5, customers: 3, monetaryAvg: 900 },
      ],
      { r: "R", f: "F", customers: "Customers", averageSpend: "Average spend" },
      (n) => `¥${n}`,
    ) as { series: { data: number[][] }[]; visualMap: { max: number }; tooltip: { formatter: (p: { value: number[] }) => string } };
    const data = option.series[0]!.data;
    expect(data).toHaveLength(25);
    expect(data).toContainEqual([0, 4, 12, 32.5]);
    expect(data).toContainEqual([4, 0, 3, 900]);
    expect(data.filter((d) => d[2] === 0)).toHaveLength(23);
    expect(option.visualMap.max).toBe(12);
    expect(option.tooltip.formatter({ value: [0, 4, 12, 32.5] })).toContain("Average spend: ¥32.5");
  });

  it("show stages in order and the pyramid without customers who never spent", () => {
    const bar = buildLifecycleBarOption(
      [
        { stage: "new", customers: 4, share: 0.4 },
        { stage: "churned", customers: 6, share: 0.6 },
      ],
      (s) => s.toUpperCase(),
    ) as { xAxis: { data: string[] }; series: { data: number[] }[] };
    expect(bar.xAxis.data).toEqual(["NEW", "CHURNED"]);
    expect(bar.series[0]!.data).toEqual([4, 6]);
    const pyramid = buildValuePyramidOption(
      [
        { tier: "svip", customers: 1, share: 0.01, spendMinor: 100 },
        { tier: "vip", customers: 9, share: 0.09, spendMinor: 100 },
        { tier: "regular", customers: 90, share: 0.9, spendMinor: 100 },
        { tier: "none", customers: 400, share: 0, spendMinor: 0 },
      ],
      (t) => t,
    ) as { series: { data: { name: string }[] }[] };
    expect(pyramid.series[0]!.data.map((d) => d.name)).toEqual(["svip", "vip", "regular"]);
  });
});
