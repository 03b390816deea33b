import { DEFAULT_LOYALTY_SETTINGS, LoyaltySettings } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { ApiError } from "../../lib/api";
import { formToTiers, nextLevel, tierFieldErrors, tiersToForm } from "./tier-form-values";

describe("tiers form", () => {
  it("round-trips the tier settings and keeps the other sections as they are", () => {
    const settings = LoyaltySettings.parse({
      points: { pendingDays: 3 },
      earn: { storeMultipliers: { "SH-01": 2 } },
      tiers: {
        levels: [
          { code: "fan", name: "Fan", threshold: 0, birthdayGiftTemplateId: "0190a000-0000-7000-8000-000000000001" },
          { code: "vip", name: "VIP", threshold: 500, pointsMultiplier: 1.5, freeShipping: true, exclusiveService: true },
        ],
        window: "calendar_year",
        downgradeGraceDays: 60,
        inactivityDrop: { enabled: true, days: 45, minOrders: 2 },
        birthdayGift: { on: "month_start", daysBefore: 3 },
      },
    });
    expect(LoyaltySettings.parse(formToTiers(tiersToForm(settings), settings))).toEqual(settings);
    expect(LoyaltySettings.parse(formToTiers(tiersToForm(DEFAULT_LOYALTY_SETTINGS), DEFAULT_LOYALTY_SETTINGS))).toEqual(DEFAULT_LOYALTY_SETTINGS);
  });

  it("changes a threshold and adds a level above the last", () => {
    const form = tiersToForm(DEFAULT_LOYALTY_SETTINGS);
    form.levels[1]!.threshold = 1200;
    form.levels.push({ ...nextLevel(form.levels), name: "黑金卡 Black" });
    const tiers = LoyaltySettings.parse(formToTiers(form, DEFAULT_LOYALTY_SETTINGS)).tiers;
    expect(tiers.levels.map((l) => l.threshold)).toEqual([0, 1200, 3000, 8000, 20000, 21000]);
    expect(tiers.levels[5]).toMatchObject({ code: "level_6", pointsMultiplier: 2 });
  });

  it("puts the server's validation errors on the right field", () => {
    const error = new ApiError(400, "request.invalid", "Invalid", [
      { path: "body.tiers.levels.2.threshold", message: "must be above the previous level's" },
      { path: "tiers.levels.3.code", message: "is used twice" },
      { path: "tiers.inactivityDrop.days", message: "too big" },
      { path: "tiers.birthdayGift.daysBefore", message: "at most 60" },
      { path: "tiers.levels", message: "at least 1" },
      { path: "points.pendingDays", message: "not a tier field" },
    ]);
    expect(tierFieldErrors(error)).toEqual({
      fieldErrors: [
        { name: ["levels", 2, "threshold"], errors: ["must be above the previous level's"] },
        { name: ["levels", 3, "code"], errors: ["is used twice"] },
        { name: ["inactivityDays"], errors: ["too big"] },
        { name: ["birthdayGiftDaysBefore"], errors: ["at most 60"] },
      ],
      otherMessages: ["tiers.levels: at least 1", "points.pendingDays: not a tier field"],
    });
    expect(tierFieldErrors(new ApiError(409, "loyalty.other", "x"))).toEqual({ fieldErrors: [], otherMessages: [] });
  });
});
