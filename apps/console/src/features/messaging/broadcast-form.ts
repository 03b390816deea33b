import type { BroadcastBody, Channel, MessageCategory } from "@siyu/contracts";
import { parseIssuePath } from "../../lib/api";
import type { ValidationIssue } from "../../lib/api/field-errors";

export type BroadcastFormValues = {
  name: string;
  segmentId: string | undefined;
  channel: Channel;
  templateId: string | undefined;
  category: MessageCategory;
  /** ISO instant, or null for "now". */
  startAt: string | null;
  /** null: once. */
  repeatEveryDays: number | null;
  perMinute: number | null;
};

export const EMPTY_BROADCAST_FORM: BroadcastFormValues = {
  name: "",
  segmentId: undefined,
  channel: "sms",
  templateId: undefined,
  category: "general",
  startAt: null,
  repeatEveryDays: null,
  perMinute: 1000,
};

/** The form as the API's BroadcastBody; a missing pick goes as "" so the server names that field. */
export function formToBroadcast(values: BroadcastFormValues): BroadcastBody {
  return {
    name: (values.name ?? "").trim(),
    segmentId: values.segmentId ?? "",
    channel: values.channel,
    templateId: values.templateId ?? "",
    category: values.category,
    startAt: values.startAt ?? null,
    repeatEveryDays: typeof values.repeatEveryDays === "number" ? values.repeatEveryDays : null,
    perMinute: typeof values.perMinute === "number" ? values.perMinute : Number.NaN,
  };
}

const FIELDS = new Set(Object.keys(EMPTY_BROADCAST_FORM));

export function mapBroadcastIssues(issues: readonly ValidationIssue[]): { fieldErrors: { name: keyof BroadcastFormValues; errors: string[] }[]; otherMessages: string[] } {
  const byField = new Map<keyof BroadcastFormValues, string[]>();
  const otherMessages: string[] = [];
  for (const issue of issues) {
    const first = parseIssuePath(issue.path)[0];
    if (typeof first === "string" && FIELDS.has(first)) {
      const name = first as keyof BroadcastFormValues;
      byField.set(name, [...(byField.get(name) ?? []), issue.message]);
    } else otherMessages.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  }
  return { fieldErrors: [...byField].map(([name, errors]) => ({ name, errors })), otherMessages };
}

/** A wall-clock time (month 1–12) in some time zone. */
export type WallTime = { year: number; month: number; day: number; hour: number; minute: number };

function wallOf(utcMs: number, timeZone: string): WallTime & { second: number } {
  const parts: Record<string, number> = {};
  const format = new Intl.DateTimeFormat("en-US", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  for (const part of format.formatToParts(new Date(utcMs))) if (part.type !== "literal") parts[part.type] = Number(part.value);
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** How far the zone's clock is ahead of UTC at an instant. */
function offsetMs(utcMs: number, timeZone: string): number {
  const w = wallOf(utcMs, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(utcMs / 1000) * 1000;
}

/**
 * The instant a wall-clock time in the workspace's time zone names, whatever the operator's browser
 * is set to: "2026-12-01 10:00" in Asia/Shanghai is 02:00Z. (A time skipped by a DST jump moves on.)
 */
export function wallTimeToIso(wall: WallTime, timeZone: string): string {
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  let utc = asUtc - offsetMs(asUtc, timeZone);
  utc = asUtc - offsetMs(utc, timeZone);
  return new Date(utc).toISOString();
}

export function isoToWallTime(iso: string, timeZone: string): WallTime {
  const { year, month, day, hour, minute } = wallOf(new Date(iso).getTime(), timeZone);
  return { year, month, day, hour, minute };
}
