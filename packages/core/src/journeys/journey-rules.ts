// Pure pieces of the engine: event filters, stable hashing, the next local time of a wait.
import { createHash } from "node:crypto";
import type { PropertyFilter } from "@siyu/contracts";
import { addLocalDays, localDay, localParts } from "../shared/local-time";

/** Whether an event's properties pass every filter (a missing or differently typed value fails). */
export function filtersMatch(properties: Record<string, unknown>, where: readonly PropertyFilter[]): boolean {
  return where.every((f) => {
    const v = properties[f.property];
    const present = v !== undefined && v !== null;
    if (f.op === "exists") return present;
    if (f.op === "not_exists") return !present;
    if (!present) return false;
    const value = f.value;
    const list = Array.isArray(value) ? value : [value];
    switch (f.op) {
      case "eq":
        return v === value;
      case "neq":
        return v !== value;
      case "in":
        return list.includes(v as string | number | boolean);
      case "not_in":
        return !list.includes(v as string | number | boolean);
      case "contains":
        return typeof v === "string" && typeof value === "string" && v.includes(value);
      case "starts_with":
        return typeof v === "string" && typeof value === "string" && v.startsWith(value);
      case "gt":
        return typeof v === "number" && typeof value === "number" && v > value;
      case "gte":
        return typeof v === "number" && typeof value === "number" && v >= value;
      case "lt":
        return typeof v === "number" && typeof value === "number" && v < value;
      case "lte":
        return typeof v === "number" && typeof value === "number" && v <= value;
      case "between": {
        const [lo, hi] = list;
        if (typeof v === "number" && typeof lo === "number" && typeof hi === "number") return v >= lo && v <= hi;
        return typeof v === "string" && typeof lo === "string" && typeof hi === "string" && v >= lo && v <= hi;
      }
      case "before":
      case "after": {
        const a = typeof v === "string" ? Date.parse(v) : NaN;
        const b = typeof value === "string" ? Date.parse(value) : NaN;
        if (Number.isNaN(a) || Number.isNaN(b)) return false;
        return f.op === "before" ? a < b : a > b;
      }
      default:
        return false;
    }
  });
}

/** A number in [0, 10000) fixed by the parts: the same customer always lands in the same bucket. */
export function stableBucket(...parts: string[]): number {
  return createHash("sha256").update(parts.join("\u0000")).digest().readUInt32BE(0) % 10_000;
}

export function inHoldout(journeyId: string, profileId: string, percent: number): boolean {
  return percent > 0 && stableBucket("holdout", journeyId, profileId) < Math.round(percent * 100);
}

/** The branch a customer takes at a split: stable per (journey, customer, node). */
export function splitBranch(journeyId: string, profileId: string, nodeId: string, branches: readonly { key: string; percent: number }[]): string {
  const bucket = stableBucket("split", journeyId, profileId, nodeId);
  let upTo = 0;
  for (const b of branches) {
    upTo += Math.round(b.percent * 100);
    if (bucket < upTo) return b.key;
  }
  return branches[branches.length - 1]!.key;
}

/** The instant a local wall-clock time happens on a local day (DST-safe: two passes settle the offset). */
export function zonedTime(day: string, hour: number, minute: number, timeZone: string): Date {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, hour, minute);
  let at = guess;
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(at), timeZone);
    const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
    at = guess - (asUtc - at);
  }
  return new Date(at);
}

/** The next `at` (HH:MM, local) strictly after `now`, on one of `weekdays` (1 = Monday; empty = any day). */
export function nextLocalTime(now: Date, at: string, weekdays: readonly number[], timeZone: string): Date {
  const [hour, minute] = at.split(":").map(Number) as [number, number];
  const today = localDay(now, timeZone);
  for (let i = 0; i <= 8; i++) {
    const day = addLocalDays(today, i);
    const instant = zonedTime(day, hour, minute, timeZone);
    if (instant <= now) continue;
    const weekday = localParts(instant, timeZone).weekday;
    if (weekdays.length === 0 || weekdays.includes(weekday)) return instant;
  }
  throw new RangeError(`No ${at} on weekdays ${weekdays.join(",")} within 8 days`);
}
