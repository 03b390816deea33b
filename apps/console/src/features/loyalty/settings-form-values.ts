import type { LoyaltySettings, PutLoyaltySettingsBody } from "@siyu/contracts";

/** The settings form: the nested settings with the multiplier maps as editable lists. */
export type SettingsFormValues = {
  perCurrencyUnit: number;
  expiryMode: "rolling" | "fixed" | "never";
  months: number;
  yearsAfter: number;
  month: number;
  day: number;
  pendingDays: number;
  allowNegative: boolean;
  stores: { key: string; multiplier: number }[];
  categories: { key: string; multiplier: number }[];
  birthdayMonthMultiplier: number;
  daysOfMonth: number[];
  weekdays: number[];
  memberDayMultiplier: number;
  stacking: "highest" | "multiply";
  dailyCapPerMember: number | null;
};

export function settingsToForm(s: LoyaltySettings): SettingsFormValues {
  const e = s.points.expiry;
  return {
    perCurrencyUnit: s.points.perCurrencyUnit,
    expiryMode: e.mode,
    months: e.mode === "rolling" ? e.months : 24,
    yearsAfter: e.mode === "fixed" ? e.yearsAfter : 1,
    month: e.mode === "fixed" ? e.month : 12,
    day: e.mode === "fixed" ? e.day : 31,
    pendingDays: s.points.pendingDays,
    allowNegative: s.points.allowNegative,
    stores: Object.entries(s.earn.storeMultipliers).map(([key, multiplier]) => ({ key, multiplier })),
    categories: Object.entries(s.earn.categoryMultipliers).map(([key, multiplier]) => ({ key, multiplier })),
    birthdayMonthMultiplier: s.earn.birthdayMonthMultiplier,
    daysOfMonth: s.earn.memberDay.daysOfMonth,
    weekdays: s.earn.memberDay.weekdays,
    memberDayMultiplier: s.earn.memberDay.multiplier,
    stacking: s.earn.stacking,
    dailyCapPerMember: s.earn.dailyCapPerMember,
  };
}

/** The form covers points and earn rules; the rest (tiers, stored value, liability) is carried over from `base` unchanged. */
export function formToSettings(v: SettingsFormValues, base: LoyaltySettings): PutLoyaltySettingsBody {
  const expiry =
    v.expiryMode === "rolling"
      ? { mode: "rolling" as const, months: v.months }
      : v.expiryMode === "fixed"
        ? { mode: "fixed" as const, yearsAfter: v.yearsAfter, month: v.month, day: v.day }
        : { mode: "never" as const };
  const map = (rows: { key: string; multiplier: number }[] | undefined) => Object.fromEntries((rows ?? []).filter((r) => r?.key).map((r) => [r.key.trim(), r.multiplier]));
  return {
    points: { perCurrencyUnit: v.perCurrencyUnit, expiry, pendingDays: v.pendingDays, allowNegative: v.allowNegative },
    earn: {
      storeMultipliers: map(v.stores),
      categoryMultipliers: map(v.categories),
      birthdayMonthMultiplier: v.birthdayMonthMultiplier,
      memberDay: { daysOfMonth: v.daysOfMonth ?? [], weekdays: v.weekdays ?? [], multiplier: v.memberDayMultiplier },
      stacking: v.stacking,
      dailyCapPerMember: v.dailyCapPerMember ?? null,
    },
    tiers: base.tiers,
    storedValue: base.storedValue,
    liability: base.liability,
  };
}
