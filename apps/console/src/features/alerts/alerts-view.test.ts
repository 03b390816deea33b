import type { AlertPreviewDto } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { translate, type TranslateFn } from "../../lib/i18n";
import { describeCondition, describeMetric, pointOutcome, previewChartOption } from "./alerts-view";
import { alertsEn } from "./locales/en";

const t = ((key: string, params?: Record<string, string | number>) => translate(alertsEn, alertsEn, key, params)) as TranslateFn;

describe("alerts view", () => {
  it("says a rule's metric and condition in words", () => {
    expect(describeMetric({ kind: "event_ratio", event: "Complaint Filed", per: "Order Completed" }, t)).toBe("Complaint Filed per Order Completed");
    expect(describeCondition({ condition: { kind: "change", percent: 30 }, granularity: "day", consecutive: 1 }, t)).toBe("up 30 % on the day before");
    expect(describeCondition({ condition: { kind: "change", percent: -20 }, granularity: "day", consecutive: 1 }, t)).toBe("down 20 % on the day before");
    expect(describeCondition({ condition: { kind: "band", direction: "below", k: 2, window: 12 }, granularity: "week", consecutive: 2 }, t)).toBe(
      "below mean − 2σ of the 12 weeks before, 2 weeks running",
    );
    expect(describeCondition({ condition: { kind: "forecast", factor: 1.5, window: 28 }, granularity: "day", consecutive: 1 }, t)).toBe("above 1.5 × the mean of the 28 days before");
  });

  it("draws the series, the bound dashed and the fired periods as markers", () => {
    const preview: AlertPreviewDto = {
      points: [
        { periodStart: "2026-11-26", value: 10, bound: null, breached: false },
        { periodStart: "2026-11-27", value: 10, bound: 13, breached: false },
        { periodStart: "2026-11-28", value: 14, bound: 13, breached: true },
      ],
      fires: ["2026-11-28"],
      resolves: [],
    };
    const option = previewChartOption(preview, { value: "Value", bound: "Bound", fired: "Fired" }) as { series: { name: string; data: (number | null)[]; lineStyle?: { type?: string } }[] };
    expect(option.series.map((s) => s.data)).toEqual([
      [10, 10, 14],
      [null, 13, 13],
      [null, null, 14],
    ]);
    expect(option.series[1]!.lineStyle?.type).toBe("dashed");
    expect(preview.points.map((p) => pointOutcome(preview, p))).toEqual([null, null, "fired"]);
  });
});
