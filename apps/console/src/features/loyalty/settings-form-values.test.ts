import { DEFAULT_LOYALTY_SETTINGS, LoyaltySettings } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { formToSettings, settingsToForm } from "./settings-form-values";

describe("loyalty settings form", () => {
  it("round-trips the settings", () => {
    const settings = LoyaltySettings.parse({
      points: { expiry: { mode: "fixed", yearsAfter: 1, month: 12, day: 31 }, pendingDays: 3 },
      earn: { storeMultipliers: { "SH-01": 2 }, memberDay: { weekdays: [3], multiplier: 1.5 }, dailyCapPerMember: 500 },
    });
    expect(LoyaltySettings.parse(formToSettings(settingsToForm(settings), settings))).toEqual(settings);
    expect(LoyaltySettings.parse(formToSettings(settingsToForm(DEFAULT_LOYALTY_SETTINGS), DEFAULT_LOYALTY_SETTINGS))).toEqual(DEFAULT_LOYALTY_SETTINGS);
  });

  it("keeps the tier, stored-value and catalogue rules it does not show", () => {
    const settings = LoyaltySettings.parse({
      tiers: { window: "calendar_year", downgradeGraceDays: 60 },
      storedValue: { bonusRules: [{ minTopupMinor: 10000, bonusMinor: 1000 }] },
      catalogue: { paymentTimeoutMinutes: 15 },
    });
    const saved = LoyaltySettings.parse(formToSettings(settingsToForm(settings), settings));
    expect(saved.tiers).toEqual(settings.tiers);
    expect(saved.storedValue).toEqual(settings.storedValue);
    expect(saved.catalogue).toEqual(settings.catalogue);
  });
});

describe("loyalty settings form and the other sections", () => {
  it("keeps stored value, check-ins and activity rules it does not show", () => {
    const settings = LoyaltySettings.parse({ storedValue: { spendOrder: "bonus_first" }, checkIns: { basePoints: 9 }, activities: { rules: [] } });
    const out = LoyaltySettings.parse(formToSettings(settingsToForm(settings), settings));
    expect(out.storedValue).toEqual(settings.storedValue);
    expect(out.checkIns).toEqual(settings.checkIns);
    expect(out.activities).toEqual(settings.activities);
  });

  it("keeps the stored-value and liability settings it does not show", () => {
    const settings = LoyaltySettings.parse({ storedValue: { bonusRules: [{ minTopupMinor: 10_000, bonusMinor: 1_000 }], bonusExpiryDays: 90 }, liability: { pointValueMinor: 0.5 } });
    const saved = LoyaltySettings.parse(formToSettings(settingsToForm(settings), settings));
    expect([saved.storedValue, saved.liability]).toEqual([settings.storedValue, settings.liability]);
  });
});
