import { DEFAULT_LOYALTY_SETTINGS, LoyaltySettings } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { activitiesToForm, formToActivities } from "./activity-form-values";

describe("check-in and activity rules form", () => {
  it("round-trips the settings, filters and caps included, and keeps the other sections", () => {
    const settings = LoyaltySettings.parse({
      points: { pendingDays: 3 },
      storedValue: { bonusRules: [{ minTopupMinor: 10000, bonusMinor: 1000 }] },
      checkIns: { basePoints: 2, cycleDays: null, event: null, streakBonuses: [{ day: 10, points: 50 }] },
      activities: {
        rules: [
          {
            code: "share",
            name: "Share",
            event: "Product Shared",
            points: 5,
            where: [
              { property: "share_via", op: "in", value: ["wechat_friend", "moments"] },
              { property: "rating", op: "gte", value: 4 },
              { property: "channel", op: "eq", value: "mini" },
              { property: "photo", op: "exists" },
            ],
            perMemberDaily: { limit: 3, unit: "occurrences" },
            dailyTotal: { limit: 1000, unit: "points" },
          },
        ],
      },
    });
    expect(LoyaltySettings.parse(formToActivities(activitiesToForm(settings), settings))).toEqual(settings);
    expect(LoyaltySettings.parse(formToActivities(activitiesToForm(DEFAULT_LOYALTY_SETTINGS), DEFAULT_LOYALTY_SETTINGS))).toEqual(DEFAULT_LOYALTY_SETTINGS);
  });

  it("turns an empty cap into no cap and an empty event into none", () => {
    const form = activitiesToForm(DEFAULT_LOYALTY_SETTINGS);
    form.checkInEvent = " ";
    form.rules[0]!.dailyLimit = null;
    const out = LoyaltySettings.parse(formToActivities(form, DEFAULT_LOYALTY_SETTINGS));
    expect(out.checkIns.event).toBeNull();
    expect(out.activities.rules[0]!.perMemberDaily).toBeNull();
  });
});
