import type { TaskKind, TaskPropertyFilter, TaskStep } from "@siyu/contracts";
import { addDays, localParts } from "../../shared/local-time";

/** What the rules need of a task definition. */
export interface TaskRule {
  kind: TaskKind;
  windowDays: number | null;
  steps: TaskStep[];
  activeFrom: Date;
}

/**
 * The period an event at `at` counts in: "once" and "new" (one completion ever), the local day
 * (daily) or the local ISO week, Monday first (weekly) — both in the workspace's time zone.
 */
export function periodOf(kind: TaskKind, at: Date, timeZone: string): string {
  if (kind === "once") return "once";
  if (kind === "new_member") return "new";
  const p = localParts(at, timeZone);
  if (kind === "daily") return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
  // ISO week: the Thursday of this week decides the year.
  const day = Date.UTC(p.year, p.month - 1, p.day);
  const thursday = new Date(day + (4 - p.weekday) * 86_400_000);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * 86_400_000)) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}

/** When a new member's window closes: windowDays after the member was first seen. */
export function windowClosesAt(task: Pick<TaskRule, "kind" | "windowDays">, firstSeen: Date | null): Date | null {
  if (task.kind !== "new_member" || firstSeen === null) return null;
  return addDays(firstSeen, task.windowDays ?? 0);
}

/** Whether an event at `at` may count at all: not before the task existed, and inside a new member's window. */
export function counts(task: TaskRule, at: Date, firstSeen: Date | null): boolean {
  if (at < task.activeFrom) return false;
  if (task.kind !== "new_member") return true;
  const closes = windowClosesAt(task, firstSeen);
  return closes !== null && at < closes;
}

function passes(filter: TaskPropertyFilter, properties: Record<string, unknown>): boolean {
  const actual = properties[filter.property];
  if (filter.op === "eq") return actual === filter.value || (typeof actual === "number" && typeof filter.value === "string" && String(actual) === filter.value);
  const n = typeof actual === "number" ? actual : typeof actual === "string" && actual.trim() !== "" ? Number(actual) : NaN;
  if (!Number.isFinite(n) || typeof filter.value !== "number") return false;
  return filter.op === "gte" ? n >= filter.value : n <= filter.value;
}

/** Whether an event (name and properties) counts for an event step. */
export function stepMatches(step: TaskStep, event: string | null, properties: Record<string, unknown>): boolean {
  return step.kind === "event" && step.event === event && step.filters.every((f) => passes(f, properties));
}

/** A trait is present when it holds something other than null or blank text. */
export function traitsPresent(traits: Record<string, unknown>, names: readonly string[]): boolean {
  return names.every((n) => {
    const v = traits[n];
    return v !== null && v !== undefined && !(typeof v === "string" && v.trim() === "");
  });
}

/** How many a step needs: its count, or 1 for a complete profile. */
export function needed(step: TaskStep): number {
  return step.kind === "event" ? step.count : 1;
}

export function isComplete(steps: readonly TaskStep[], done: readonly number[]): boolean {
  return steps.every((s, i) => (done[i] ?? 0) >= needed(s));
}
