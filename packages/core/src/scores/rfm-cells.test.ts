import { describe, expect, it } from "vitest";
import { DEFAULT_RFM_CELL_GRID, DEFAULT_RFM_LAYER_MAP, RFM_CELLS, ScoresSettingsDto } from "@siyu/contracts";
import { fmScoreOf, rfmCellOf, rfmLayerOf } from "./rfm-cells";
import { isDailyRunDue } from "./scores.settings";

describe("the default RFM cell map", () => {
  it.each([
    [5, 5, 5, "champions", "high_value_core"],
    [5, 4, 5, "champions", "high_value_core"],
    [4, 4, 4, "loyal", "high_value_core"],
    [3, 5, 5, "loyal", "high_value_core"],
    [5, 1, 1, "new", "potential"],
    [4, 1, 1, "promising", "potential"],
    [4, 2, 3, "potential_loyalist", "potential"],
    [5, 3, 2, "potential_loyalist", "potential"],
    [3, 3, 3, "need_attention", "potential"],
    [3, 1, 2, "about_to_sleep", "dormant"],
    [2, 3, 4, "at_risk", "dormant"],
    [1, 4, 4, "at_risk", "dormant"],
    [1, 5, 5, "cant_lose", "dormant"],
    [2, 5, 5, "cant_lose", "dormant"],
    [2, 2, 1, "hibernating", "dormant"],
    [1, 2, 2, "hibernating", "dormant"],
    [1, 1, 1, "lost", "churned"],
    [1, 1, 2, "lost", "churned"],
  ])("R %i F %i M %i is %s (%s)", (r, f, m, cell, layer) => {
    const got = rfmCellOf(DEFAULT_RFM_CELL_GRID, r, fmScoreOf(f, m));
    expect(got).toBe(cell);
    expect(rfmLayerOf(DEFAULT_RFM_LAYER_MAP, got)).toBe(layer);
  });

  it("reaches every cell, and FM is the average of F and M rounded down", () => {
    expect(new Set(DEFAULT_RFM_CELL_GRID.flat())).toEqual(new Set(RFM_CELLS));
    expect([fmScoreOf(1, 2), fmScoreOf(4, 5), fmScoreOf(5, 5), fmScoreOf(1, 1)]).toEqual([1, 4, 5, 1]);
  });

  it("follows an operator's own grid", () => {
    const settings = ScoresSettingsDto.parse({ rfm: { cellGrid: DEFAULT_RFM_CELL_GRID.map((row) => row.map(() => "loyal")) } });
    expect(rfmCellOf(settings.rfm.cellGrid, 1, 1)).toBe("loyal");
    expect(() => rfmCellOf(settings.rfm.cellGrid, 6, 1)).toThrow(RangeError);
  });
});

describe("settings", () => {
  it("refuse cut points out of order, overlapping stages and shares over 100 %", () => {
    const result = ScoresSettingsDto.safeParse({
      rfm: { thresholds: { recencyDays: [30, 30, 90, 180], frequencyOrders: [2, 3, 5, 8], monetaryAmount: [100, 50, 500, 900] } },
      lifecycle: { dormantDays: 90, churnedDays: 60 },
      valuePyramid: { svipPercent: 60, vipPercent: 50 },
    });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join("."))).toEqual([
      "rfm.thresholds.recencyDays.1",
      "rfm.thresholds.monetaryAmount.1",
      "lifecycle.churnedDays",
      "valuePyramid.vipPercent",
    ]);
  });
});

describe("the daily run", () => {
  const tz = "Asia/Shanghai";
  it("is due once per local day, after the local hour", () => {
    // 2026-06-10 03:30 in Shanghai.
    const now = new Date("2026-06-09T19:30:00Z");
    expect(isDailyRunDue(now, null, tz, 3)).toBe(true);
    expect(isDailyRunDue(now, null, tz, 4)).toBe(false);
    expect(isDailyRunDue(now, new Date("2026-06-09T04:00:00Z"), tz, 3)).toBe(true);
    // A manual run at 01:00 local today does not count as today's run; one at 03:10 does.
    expect(isDailyRunDue(now, new Date("2026-06-09T17:00:00Z"), tz, 3)).toBe(true);
    expect(isDailyRunDue(now, new Date("2026-06-09T19:10:00Z"), tz, 3)).toBe(false);
  });
});
