import { toMinorUnits } from "./money";

/** Segment e-commerce events that move money. */
export const ORDER_COMPLETED = "Order Completed";
export const ORDER_REFUNDED = "Order Refunded";

export interface OrderFieldError {
  path: string;
  message: string;
}

export interface ParsedOrder {
  orderId: string;
  totalMinor: number;
  currency: string;
  storeId: string | null;
  coupon: string | null;
  products: unknown[];
}

/**
 * Reads an Order Completed's properties (order_id, total or revenue, currency,
 * products, store_id, coupon). Amounts are decimal major units, stored in minor units.
 */
export function parseOrderCompleted(properties: Record<string, unknown>, defaultCurrency: string): ParsedOrder | { errors: OrderFieldError[] } {
  const errors: OrderFieldError[] = [];
  const orderId = idOf(properties.order_id);
  if (!orderId) errors.push({ path: "properties.order_id", message: "is required for Order Completed" });
  const amount = properties.total ?? properties.revenue;
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) {
    errors.push({ path: "properties.total", message: "must be a number ≥ 0 (total or revenue)" });
  }
  const currency = properties.currency === undefined ? defaultCurrency : properties.currency;
  if (typeof currency !== "string" || !/^[A-Za-z]{3}$/.test(currency)) errors.push({ path: "properties.currency", message: "must be an ISO 4217 code" });
  if (properties.products !== undefined && !Array.isArray(properties.products)) {
    errors.push({ path: "properties.products", message: "must be a list" });
  }
  if (errors.length > 0) return { errors };
  const code = (currency as string).toUpperCase();
  return {
    orderId: orderId!,
    totalMinor: toMinorUnits(amount as number, code),
    currency: code,
    storeId: idOf(properties.store_id),
    coupon: typeof properties.coupon === "string" ? properties.coupon : null,
    products: (properties.products as unknown[] | undefined) ?? [],
  };
}

export function parseOrderRefunded(properties: Record<string, unknown>, defaultCurrency: string): { orderId: string; amountMinor: number | null } | { errors: OrderFieldError[] } {
  const orderId = idOf(properties.order_id);
  if (!orderId) return { errors: [{ path: "properties.order_id", message: "is required for Order Refunded" }] };
  const amount = properties.total ?? properties.revenue;
  if (amount === undefined) return { orderId, amountMinor: null };
  if (typeof amount !== "number" || !Number.isFinite(amount) || amount < 0) {
    return { errors: [{ path: "properties.total", message: "must be a number ≥ 0" }] };
  }
  const currency = typeof properties.currency === "string" ? properties.currency.toUpperCase() : defaultCurrency;
  return { orderId, amountMinor: toMinorUnits(amount, currency) };
}

function idOf(value: unknown): string | null {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value.trim() !== "" && value.length <= 200) return value.trim();
  return null;
}
