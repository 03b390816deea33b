import { DEFAULT_SCORES_SETTINGS } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { mergeSettings } from "./merge-settings";

describe("saving one settings card", () => {
  it("keeps every section the card does not show", () => {
    const merged = mergeSettings(DEFAULT_SCORES_SETTINGS, { lifecycle: { ...DEFAULT_SCORES_SETTINGS.lifecycle, newDays: 14 } });
    expect(merged.lifecycle.newDays).toBe(14);
    expect(merged.rfm).toEqual(DEFAULT_SCORES_SETTINGS.rfm);
    const rfm = mergeSettings(DEFAULT_SCORES_SETTINGS, { rfm: { windowDays: 90 } as never });
    expect(rfm.rfm.windowDays).toBe(90);
    expect(rfm.rfm.cellGrid).toEqual(DEFAULT_SCORES_SETTINGS.rfm.cellGrid);
  });
});
