import { describe, expect, it } from "vitest";
import type { AttributionReportDto } from "@siyu/contracts";
import { attributionChartOption, MODELS, shareOf } from "./attribution-view";

const credit = (conversions: number) => ({ conversions, value: conversions * 100 });
const report = {
  totals: { conversions: 3, value: 300, attributedConversions: 2, attributedValue: 200, journeys: 5, convertedJourneys: 2 },
  rows: [
    { key: "wecom", touches: 2, firstTouch: credit(1), lastTouch: credit(0), linear: credit(0.5), timeDecay: credit(0.48), shapley: credit(0.66666), markov: { ...credit(0.8), removalEffect: 0.4 } },
    { key: "sms", touches: 2, firstTouch: credit(1), lastTouch: credit(2), linear: credit(1.5), timeDecay: credit(1.52), shapley: credit(1.33333), markov: { ...credit(1.2), removalEffect: 0.6 } },
  ],
} as unknown as AttributionReportDto;

describe("attribution view", () => {
  it("draws one bar series per model over the channels, rounded", () => {
    const names = Object.fromEntries(MODELS.map((m) => [m, m.toUpperCase()])) as Record<(typeof MODELS)[number], string>;
    const option = attributionChartOption(report, names) as { xAxis: { data: string[] }; series: { name: string; data: number[] }[] };
    expect(option.xAxis.data).toEqual(["wecom", "sms"]);
    expect(option.series.map((s) => s.name)).toEqual(["FIRSTTOUCH", "LASTTOUCH", "LINEAR", "TIMEDECAY", "SHAPLEY", "MARKOV"]);
    expect(option.series[4]!.data).toEqual([0.67, 1.33]);
  });

  it("gives each model's share of the attributed conversions", () => {
    expect(shareOf(report, report.rows[1]!, "linear")).toBe(75);
    expect(shareOf({ ...report, totals: { ...report.totals, attributedConversions: 0 } }, report.rows[1]!, "linear")).toBe(0);
  });
});
