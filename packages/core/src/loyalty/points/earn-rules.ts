import type { LoyaltySettings } from "@siyu/contracts";
import type { LocalParts } from "../../shared/local-time";

export interface OrderForPoints {
  totalMinor: number;
  /** Minor units per major unit of the order's currency (CNY 100). */
  minorPerUnit: number;
  storeId: string | null;
  products: unknown[];
}

export interface EarnContext {
  /** The order's time in the workspace's time zone. */
  local: LocalParts;
  /** 1–12, from the member's `birthday` trait; null when unknown. */
  birthdayMonth: number | null;
  /** The earn multiplier of the member's tier (1 = none). */
  tierMultiplier?: number;
}

export interface EarnResult {
  points: number;
  multiplier: number;
  applied: Record<string, number>;
}

/**
 * Points for one order: spend × points per unit × the multipliers that apply (store, product category
 * weighted by each line's share of the order, birthday month, member day), combined by the stacking rule.
 * Rounded down to whole points.
 */
export function pointsForOrder(settings: LoyaltySettings, order: OrderForPoints, context: EarnContext): EarnResult {
  const { earn } = settings;
  const applied: Record<string, number> = {};
  const store = order.storeId !== null ? earn.storeMultipliers[order.storeId] : undefined;
  if (store !== undefined) applied.store = store;
  const category = categoryMultiplier(order.products, earn.categoryMultipliers);
  if (category !== null) applied.category = category;
  if (context.birthdayMonth !== null && context.birthdayMonth === context.local.month) applied.birthday = earn.birthdayMonthMultiplier;
  const memberDay = earn.memberDay.daysOfMonth.includes(context.local.day) || earn.memberDay.weekdays.includes(context.local.weekday);
  if (memberDay) applied.memberDay = earn.memberDay.multiplier;
  if (context.tierMultiplier !== undefined && context.tierMultiplier !== 1) applied.tier = context.tierMultiplier;
  const values = Object.values(applied);
  const multiplier = values.length === 0 ? 1 : earn.stacking === "multiply" ? values.reduce((m, v) => m * v, 1) : Math.max(...values);
  const units = order.totalMinor / order.minorPerUnit;
  // Round away float noise (e.g. 0.1 × 3) before flooring.
  const points = Math.floor(Math.round(units * settings.points.perCurrencyUnit * multiplier * 1e6) / 1e6);
  return { points: Math.max(0, points), multiplier, applied };
}

/** The lines' category multipliers weighted by line value; null when no line has a configured category. */
function categoryMultiplier(products: unknown[], multipliers: Record<string, number>): number | null {
  let weight = 0;
  let weighted = 0;
  let any = false;
  for (const p of products) {
    if (typeof p !== "object" || p === null) continue;
    const line = p as { category?: unknown; price?: unknown; quantity?: unknown };
    const price = typeof line.price === "number" && Number.isFinite(line.price) && line.price > 0 ? line.price : 0;
    const quantity = typeof line.quantity === "number" && Number.isFinite(line.quantity) && line.quantity > 0 ? line.quantity : 1;
    const value = price * quantity;
    if (value <= 0) continue;
    const m = typeof line.category === "string" ? multipliers[line.category] : undefined;
    if (m !== undefined) any = true;
    weight += value;
    weighted += value * (m ?? 1);
  }
  if (!any || weight === 0) return null;
  return weighted / weight;
}

/** The month of a `birthday` trait: YYYY-MM-DD, YYYY/MM/DD, MM-DD or a Date-parsable string. */
export function birthdayMonthOf(value: unknown): number | null {
  if (typeof value !== "string") return null;
  const full = /^\d{4}[-/](\d{1,2})[-/]\d{1,2}/.exec(value);
  const short = /^(\d{1,2})-\d{1,2}$/.exec(value);
  const month = Number((full ?? short)?.[1]);
  return month >= 1 && month <= 12 ? month : null;
}
