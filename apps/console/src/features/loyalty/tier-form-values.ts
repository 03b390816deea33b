import type { LoyaltySettings, PutLoyaltySettingsBody, TierSettings } from "@siyu/contracts";
import { parseIssuePath, readValidationIssues } from "../../lib/api";

/** One row of the levels table. */
export type TierLevelFormValues = {
  code: string;
  name: string;
  threshold: number;
  pointsMultiplier: number;
  freeShipping: boolean;
  priorityPurchase: boolean;
  exclusiveService: boolean;
  birthdayGiftTemplateId: string | null;
};

/** The tiers form: the levels table and the rules, with the nested objects flattened. */
export type TierFormValues = {
  enabled: boolean;
  levels: TierLevelFormValues[];
  growthPerCurrencyUnit: number;
  window: TierSettings["window"];
  downgradeGraceDays: number;
  inactivityEnabled: boolean;
  inactivityDays: number;
  inactivityMinOrders: number;
  birthdayGiftOn: TierSettings["birthdayGift"]["on"];
  birthdayGiftDaysBefore: number;
};

/** The form fields a server error can name (top level; levels rows are named by index and field). */
export const TIER_FORM_FIELDS = [
  "enabled",
  "levels",
  "growthPerCurrencyUnit",
  "window",
  "downgradeGraceDays",
  "inactivityEnabled",
  "inactivityDays",
  "inactivityMinOrders",
  "birthdayGiftOn",
  "birthdayGiftDaysBefore",
] as const;

export function tiersToForm(s: LoyaltySettings): TierFormValues {
  const t = s.tiers;
  return {
    enabled: t.enabled,
    levels: t.levels.map((l) => ({ ...l })),
    growthPerCurrencyUnit: t.growthPerCurrencyUnit,
    window: t.window,
    downgradeGraceDays: t.downgradeGraceDays,
    inactivityEnabled: t.inactivityDrop.enabled,
    inactivityDays: t.inactivityDrop.days,
    inactivityMinOrders: t.inactivityDrop.minOrders,
    birthdayGiftOn: t.birthdayGift.on,
    birthdayGiftDaysBefore: t.birthdayGift.daysBefore,
  };
}

/** The new tiers over `base`: every other section (points, earn rules, stored value) is carried over unchanged. */
export function formToTiers(v: TierFormValues, base: LoyaltySettings): PutLoyaltySettingsBody {
  return {
    ...base,
    tiers: {
      enabled: v.enabled,
      levels: (v.levels ?? []).map((l) => ({
        code: (l.code ?? "").trim(),
        name: (l.name ?? "").trim(),
        threshold: l.threshold ?? 0,
        pointsMultiplier: l.pointsMultiplier ?? 1,
        freeShipping: Boolean(l.freeShipping),
        priorityPurchase: Boolean(l.priorityPurchase),
        exclusiveService: Boolean(l.exclusiveService),
        birthdayGiftTemplateId: l.birthdayGiftTemplateId ?? null,
      })),
      growthPerCurrencyUnit: v.growthPerCurrencyUnit,
      window: v.window,
      downgradeGraceDays: v.downgradeGraceDays,
      inactivityDrop: { enabled: v.inactivityEnabled, days: v.inactivityDays, minOrders: v.inactivityMinOrders },
      birthdayGift: { on: v.birthdayGiftOn, daysBefore: v.birthdayGiftDaysBefore },
    },
  };
}

const NESTED: Record<string, string> = {
  "inactivityDrop.enabled": "inactivityEnabled",
  "inactivityDrop.days": "inactivityDays",
  "inactivityDrop.minOrders": "inactivityMinOrders",
  "birthdayGift.on": "birthdayGiftOn",
  "birthdayGift.daysBefore": "birthdayGiftDaysBefore",
};

/**
 * A server validation error on PUT /loyalty/settings as errors on the tiers form's fields:
 * `tiers.levels.2.threshold` → the threshold of row 2, `tiers.inactivityDrop.days` → inactivityDays.
 * Issues outside the tiers section, or naming no field, come back as messages.
 */
export function tierFieldErrors(error: unknown): { fieldErrors: { name: (string | number)[]; errors: string[] }[]; otherMessages: string[] } {
  const fieldErrors: { name: (string | number)[]; errors: string[] }[] = [];
  const otherMessages: string[] = [];
  for (const issue of readValidationIssues(error)) {
    const [section, ...rest] = parseIssuePath(issue.path);
    let name: (string | number)[] | null = null;
    // A row's field; an issue with the whole table (too few levels) is a message.
    if (section === "tiers" && rest[0] === "levels") name = rest.length >= 3 ? ["levels", rest[1]!, rest[2]!] : null;
    else if (section === "tiers" && rest.length > 0) {
      const joined = rest.slice(0, 2).join(".");
      const field = NESTED[joined] ?? String(rest[0]);
      if ((TIER_FORM_FIELDS as readonly string[]).includes(field)) name = [field];
    }
    if (name === null) {
      otherMessages.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
      continue;
    }
    const same = fieldErrors.find((f) => f.name.join(".") === name!.join("."));
    if (same) same.errors.push(issue.message);
    else fieldErrors.push({ name, errors: [issue.message] });
  }
  return { fieldErrors, otherMessages };
}

/** A new row below the last: a threshold above it, so the table stays valid as it grows. */
export function nextLevel(levels: TierLevelFormValues[]): TierLevelFormValues {
  const last = levels[levels.length - 1];
  return {
    code: `level_${levels.length + 1}`,
    name: "",
    threshold: last ? (last.threshold ?? 0) + 1000 : 0,
    pointsMultiplier: last?.pointsMultiplier ?? 1,
    freeShipping: false,
    priorityPurchase: false,
    exclusiveService: false,
    birthdayGiftTemplateId: null,
  };
}
