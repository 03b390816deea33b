import type { ActivityCap, ActivityFilter, ActivityRule, LoyaltySettings, PutLoyaltySettingsBody } from "@siyu/contracts";

type CapUnit = ActivityCap["unit"];
export type FilterFormValues = { property: string; op: ActivityFilter["op"]; value?: string };
export type RuleFormValues = {
  code: string;
  name: string;
  kind: ActivityRule["kind"];
  enabled: boolean;
  event: string;
  points: number;
  filters: FilterFormValues[];
  dailyLimit: number | null;
  dailyUnit: CapUnit;
  monthlyLimit: number | null;
  monthlyUnit: CapUnit;
  totalLimit: number | null;
  totalUnit: CapUnit;
};

/** The check-in and activity rules form: caps and filters flattened into plain fields. */
export type ActivityFormValues = {
  checkInEnabled: boolean;
  basePoints: number;
  cycleDays: number | null;
  checkInEvent: string;
  makeUpWindowDays: number;
  makeUpPoints: number;
  bonuses: { day: number; points: number }[];
  rules: RuleFormValues[];
};

function filterValueText(v: ActivityFilter["value"]): string | undefined {
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join(", ") : String(v);
}

// Numbers compare as numbers (rating ≥ 4); "true"/"false" as booleans; anything else as text.
function scalar(text: string): string | number | boolean {
  const t = text.trim();
  if (t === "true" || t === "false") return t === "true";
  return t !== "" && Number.isFinite(Number(t)) ? Number(t) : t;
}

function filterValue(op: ActivityFilter["op"], text: string | undefined): ActivityFilter["value"] {
  if (op === "exists") return undefined;
  const raw = text ?? "";
  if (op === "in" || op === "not_in") {
    return raw
      .split(/[,，\n]/)
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => {
        const v = scalar(s);
        return typeof v === "boolean" ? s : v;
      });
  }
  if (op === "eq" || op === "neq") return scalar(raw);
  return Number(raw);
}

export function activitiesToForm(s: LoyaltySettings): ActivityFormValues {
  const c = s.checkIns;
  return {
    checkInEnabled: c.enabled,
    basePoints: c.basePoints,
    cycleDays: c.cycleDays,
    checkInEvent: c.event ?? "",
    makeUpWindowDays: c.makeUp.windowDays,
    makeUpPoints: c.makeUp.points,
    bonuses: c.streakBonuses.map((b) => ({ ...b })),
    rules: s.activities.rules.map((r) => ({
      code: r.code,
      name: r.name,
      kind: r.kind,
      enabled: r.enabled,
      event: r.event,
      points: r.points,
      filters: r.where.map((f) => ({ property: f.property, op: f.op, value: filterValueText(f.value) })),
      dailyLimit: r.perMemberDaily?.limit ?? null,
      dailyUnit: r.perMemberDaily?.unit ?? "occurrences",
      monthlyLimit: r.perMemberMonthly?.limit ?? null,
      monthlyUnit: r.perMemberMonthly?.unit ?? "occurrences",
      totalLimit: r.dailyTotal?.limit ?? null,
      totalUnit: r.dailyTotal?.unit ?? "occurrences",
    })),
  };
}

/** Replaces the check-in and activity sections; every other section is carried over from `base` unchanged. */
export function formToActivities(v: ActivityFormValues, base: LoyaltySettings): PutLoyaltySettingsBody {
  const cap = (limit: number | null | undefined, unit: CapUnit) => (limit ? { limit, unit } : null);
  return {
    ...base,
    checkIns: {
      enabled: v.checkInEnabled,
      basePoints: v.basePoints,
      streakBonuses: (v.bonuses ?? []).filter(Boolean).map((b) => ({ day: b.day, points: b.points })),
      cycleDays: v.cycleDays ?? null,
      event: v.checkInEvent?.trim() ? v.checkInEvent.trim() : null,
      makeUp: { windowDays: v.makeUpWindowDays, points: v.makeUpPoints },
    },
    activities: {
      rules: (v.rules ?? []).filter(Boolean).map((r) => ({
        code: r.code.trim(),
        name: r.name.trim(),
        kind: r.kind,
        enabled: r.enabled,
        event: r.event.trim(),
        points: r.points,
        where: (r.filters ?? []).filter((f) => f?.property).map((f) => {
          const value = filterValue(f.op, f.value);
          return value === undefined ? { property: f.property.trim(), op: f.op } : { property: f.property.trim(), op: f.op, value };
        }),
        perMemberDaily: cap(r.dailyLimit, r.dailyUnit),
        perMemberMonthly: cap(r.monthlyLimit, r.monthlyUnit),
        dailyTotal: cap(r.totalLimit, r.totalUnit),
      })),
    },
  };
}
