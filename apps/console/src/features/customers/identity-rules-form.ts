import { UpdateIdentitySettingsBody, type IdentitySettingsDto } from "@siyu/contracts";
import { parseIssuePath, type ValidationIssue } from "../../lib/api/field-errors";
import { KNOWN_IDENTIFIER_TYPES } from "./identifier-labels";

/** The select value that stands for "a custom type": its name is typed in a second input. */
export const CUSTOM_TYPE = "custom:";

export type IdentityRuleRow = { type: string; customName?: string; max: number | null };
export type IdentityRulesFormValues = {
  maxPerProfile: IdentityRuleRow[];
  junkValues: string[];
  defaultPhoneRegion: string;
};

/** The contract's own checks, reused for the form's rules. */
const FIELDS = UpdateIdentitySettingsBody.shape;
export const IDENTIFIER_TYPE_SCHEMA = FIELDS.maxPerProfile.unwrap().keyType;
export const MAX_PER_PROFILE_SCHEMA = FIELDS.maxPerProfile.unwrap().valueType;
export const JUNK_VALUES_SCHEMA = FIELDS.junkValues.unwrap();
export const PHONE_REGION_SCHEMA = FIELDS.defaultPhoneRegion.unwrap();

/** The identifier type a row stands for: `phone`, or `custom:<name>`. */
export function ruleRowType(row: Pick<IdentityRuleRow, "type" | "customName">): string {
  return row.type === CUSTOM_TYPE ? `${CUSTOM_TYPE}${(row.customName ?? "").trim()}` : row.type;
}

function typeOrder(type: string): number {
  const known = (KNOWN_IDENTIFIER_TYPES as readonly string[]).indexOf(type);
  return known >= 0 ? known : KNOWN_IDENTIFIER_TYPES.length;
}

/** The settings as the form edits them: one row per type, well-known types first in their usual order. */
export function toIdentityRulesForm(settings: IdentitySettingsDto): IdentityRulesFormValues {
  const rows = Object.entries(settings.maxPerProfile)
    .sort(([a], [b]) => typeOrder(a) - typeOrder(b) || a.localeCompare(b))
    .map(([type, max]): IdentityRuleRow =>
      type.startsWith(CUSTOM_TYPE) ? { type: CUSTOM_TYPE, customName: type.slice(CUSTOM_TYPE.length), max } : { type, max },
    );
  return { maxPerProfile: rows, junkValues: [...settings.junkValues], defaultPhoneRegion: settings.defaultPhoneRegion };
}

/** The PATCH body: the whole rule set, so a removed row is a removed limit. */
export function toIdentitySettingsBody(values: IdentityRulesFormValues): Required<UpdateIdentitySettingsBody> {
  const maxPerProfile: Record<string, number> = {};
  for (const row of values.maxPerProfile) {
    if (row.max !== null) maxPerProfile[ruleRowType(row)] = row.max;
  }
  return {
    maxPerProfile,
    junkValues: [...new Set(values.junkValues)],
    defaultPhoneRegion: values.defaultPhoneRegion.trim().toUpperCase(),
  };
}

/** Rows that name a type an earlier row already has: a type has one limit. */
export function duplicateRuleRows(rows: readonly Pick<IdentityRuleRow, "type" | "customName">[]): Set<number> {
  const seen = new Set<string>();
  const duplicates = new Set<number>();
  rows.forEach((row, index) => {
    if (!row.type) return;
    const type = ruleRowType(row);
    if (seen.has(type)) duplicates.add(index);
    seen.add(type);
  });
  return duplicates;
}

export type IdentityFieldName = ["maxPerProfile", number, "type" | "customName" | "max"] | ["junkValues"] | ["defaultPhoneRegion"];
export type IdentityFieldError = { name: IdentityFieldName; errors: string[] };

/**
 * Puts the server's validation issues next to what they are about: `body.maxPerProfile.phone`
 * under the phone row (its name when the type itself was refused, else its limit),
 * `body.junkValues.3` under the junk values naming the value, `body.defaultPhoneRegion` under the region.
 */
export function mapIdentitySettingsIssues(
  issues: readonly ValidationIssue[],
  values: IdentityRulesFormValues,
): { fieldErrors: IdentityFieldError[]; otherMessages: string[] } {
  const byField = new Map<string, IdentityFieldError>();
  const otherMessages: string[] = [];
  const add = (name: IdentityFieldName, message: string) => {
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(message);
    byField.set(key, entry);
  };
  for (const issue of issues) {
    const [field, item] = parseIssuePath(issue.path);
    if (field === "maxPerProfile" && typeof item === "string") {
      const index = values.maxPerProfile.findIndex((row) => ruleRowType(row) === item);
      const row = values.maxPerProfile[index];
      if (!row) {
        otherMessages.push(`${item}: ${issue.message}`);
        continue;
      }
      const typeRefused = !IDENTIFIER_TYPE_SCHEMA.safeParse(item).success;
      add(["maxPerProfile", index, typeRefused ? (row.type === CUSTOM_TYPE ? "customName" : "type") : "max"], issue.message);
    } else if (field === "junkValues") {
      const value = typeof item === "number" ? values.junkValues[item] : undefined;
      add(["junkValues"], value === undefined ? issue.message : `“${value}”: ${issue.message}`);
    } else if (field === "defaultPhoneRegion") {
      add(["defaultPhoneRegion"], issue.message);
    } else {
      otherMessages.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    }
  }
  return { fieldErrors: [...byField.values()], otherMessages };
}
