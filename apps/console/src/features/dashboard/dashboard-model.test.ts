import { describe, expect, it } from "vitest";
import type { KpiMetricDto } from "@siyu/contracts";
import { buildTrendOption, directionOf, formatMetricValue, metricsCsv, presetPeriod, toCsv, trendRows } from "./dashboard-model";

const metric = (key: string, unit: KpiMetricDto["unit"], values: (number | null)[], value: number | null = 1, previous: number | null = 1): KpiMetricDto => ({
  key: key as KpiMetricDto["key"],
  unit,
  value,
  previous,
  change: value === null || previous === null ? null : value - previous,
  changeRatio: null,
  series: values.map((v, i) => ({ day: `2026-03-0${i + 1}`, value: v })),
  note: null,
});

describe("dashboard model", () => {
  it("turns presets into local days: last N days end yesterday, this month ends today", () => {
    expect(presetPeriod("last7", "2026-03-10")).toEqual({ from: "2026-03-03", to: "2026-03-09" });
    expect(presetPeriod("last30", "2026-03-01")).toEqual({ from: "2026-01-30", to: "2026-02-28" });
    expect(presetPeriod("last90", "2026-03-10").from).toBe("2025-12-10");
    expect(presetPeriod("thisMonth", "2026-03-10")).toEqual({ from: "2026-03-01", to: "2026-03-10" });
  });

  it("formats values by unit and says which way they moved", () => {
    const format = { money: (minor: number) => `¥${minor / 100}`, locale: "en" };
    expect(formatMetricValue("money", 1850, format)).toBe("¥18.5");
    expect(formatMetricValue("share", 0.1234, format)).toBe("12.3%");
    expect(formatMetricValue("count", null, format)).toBe("—");
    expect(directionOf({ change: 2 })).toBe("up");
    expect(directionOf({ change: 0 })).toBe("flat");
    expect(directionOf({ change: null })).toBe("none");
  });

  it("draws GMV in major units on its own axis, and lists the same numbers as table rows", () => {
    const metrics = [metric("gmv", "money", [1000, 2550]), metric("orders", "count", [1, 3]), metric("activeMembers", "count", [4, null])];
    const option = buildTrendOption(metrics, { gmv: "GMV", orders: "Orders", activeMembers: "Active", countAxis: "n", moneyAxis: "¥" }, 100);
    expect(option.xAxis.data).toEqual(["2026-03-01", "2026-03-02"]);
    expect(option.series[0]).toMatchObject({ type: "bar", yAxisIndex: 1, data: [10, 25.5] });
    expect(option.series[2]!.data).toEqual([4, null]);
    expect(trendRows(metrics, 100)).toEqual([
      { day: "2026-03-01", gmv: 10, orders: 1, activeMembers: 4 },
      { day: "2026-03-02", gmv: 25.5, orders: 3, activeMembers: null },
    ]);
  });

  it("writes CSV with a BOM, quotes and defused formulas", () => {
    expect(toCsv(["a", "b"], [["x,y", "=SUM(A1)"], [1, null]])).toBe('\uFEFFa,b\r\n"x,y",\'=SUM(A1)\r\n1,\r\n');
    const csv = metricsCsv([metric("gmv", "money", [], 1500, 1000)], (k) => k.toUpperCase(), 100);
    expect(csv.split("\r\n")[1]).toBe("gmv,GMV,money,15,10,5,");
  });
});
