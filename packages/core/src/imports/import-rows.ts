import { createHash } from "node:crypto";
import { normaliseIdentifier, type IdentitySettings } from "../identity";
import { minorUnitsPer, ORDER_COMPLETED } from "../profiles";
import type { ColumnMap } from "./import-columns";
import { parseAmount, parseCalendarDate, parseCount, parseDateTime, parseGender } from "./row-values";

/** What reading a row needs to know about its workspace. */
export interface RowEnv {
  identity: IdentitySettings;
  timeZone: string;
  currency: string;
  now: Date;
  /** A store of the workspace by code or id: its id, or null. */
  resolveStore(ref: string): Promise<string | null>;
}

export interface RowError {
  field: string;
  reason: string;
}

/** A row as a Segment message for the event log, or every problem it has. */
export type RowResult = { message: Record<string, unknown> } | { errors: RowError[] };

export type RowReader = (fields: readonly string[], line: number) => Promise<RowResult>;

function cellReader(columns: ColumnMap, fields: readonly string[]) {
  return (column: string): string => {
    const index = columns.known.get(column);
    return index === undefined ? "" : (fields[index] ?? "").trim();
  };
}

/** Identifier columns of a profile (other than user_id, phone and email) and their order of preference as anchor. */
const PLATFORM_IDS = ["wechat_unionid", "wecom_external_userid", "wechat_openid", "douyin_openid", "tmall_id"] as const;

/**
 * A profiles row → an `identify` call. Identifiers are normalised as live
 * tracking does (phones to E.164, emails lower-cased, junk values dropped);
 * typed traits are checked; any other column is a free trait. The message id is
 * a hash of the row's normalised content: the same row imported again is a
 * duplicate, a changed row is an update.
 */
export function createProfileRowReader(columns: ColumnMap, env: RowEnv): RowReader {
  return async (fields) => {
    const cell = cellReader(columns, fields);
    const errors: RowError[] = [];
    const traits: Record<string, unknown> = {};
    const identities: { type: string; value: string; appId?: string }[] = [];
    const found: { type: string; value: string }[] = [];

    const identifier = (column: string, type = column): string | null => {
      const raw = cell(column);
      if (!raw) return null;
      const result = normaliseIdentifier(type, raw, env.identity);
      if ("error" in result) {
        errors.push({ field: column, reason: result.error });
        return null;
      }
      return "value" in result ? result.value : null;
    };

    const userId = identifier("user_id");
    if (userId) found.push({ type: "user_id", value: userId });
    for (const column of ["phone", "email"] as const) {
      const value = identifier(column);
      if (value) {
        traits[column] = value;
        found.push({ type: column, value });
      }
    }
    for (const column of PLATFORM_IDS) {
      const value = identifier(column);
      if (!value) continue;
      if (column === "wechat_openid") {
        const appId = cell("wechat_appid");
        if (!appId) {
          errors.push({ field: "wechat_appid", reason: "is required with wechat_openid" });
          continue;
        }
        identities.push({ type: column, value, appId });
        found.push({ type: column, value: `${appId}:${value}` });
      } else {
        identities.push({ type: column, value });
        found.push({ type: column, value });
      }
    }
    if (found.length === 0 && errors.length === 0) {
      const first = [...columns.known.keys()].find((c) => c === "user_id" || c === "phone" || c === "email" || (PLATFORM_IDS as readonly string[]).includes(c));
      errors.push({ field: first ?? "user_id", reason: "the row has no identifier (user_id, phone, email, WeChat, WeCom, Douyin or Tmall id)" });
    }

    const name = cell("name");
    if (name) {
      if (name.length > 100) errors.push({ field: "name", reason: "is longer than 100 characters" });
      else traits.name = name;
    }
    const gender = cell("gender");
    if (gender) {
      const parsed = parseGender(gender);
      if ("error" in parsed) errors.push({ field: "gender", reason: parsed.error });
      else traits.gender = parsed.value;
    }
    const birthday = cell("birthday");
    if (birthday) {
      const parsed = parseCalendarDate(birthday, env.now);
      if ("error" in parsed) errors.push({ field: "birthday", reason: parsed.error });
      else traits.birthday = parsed.value;
    }
    for (const column of ["city", "source_channel"] as const) {
      const value = cell(column);
      if (value.length > 100) errors.push({ field: column, reason: "is longer than 100 characters" });
      else if (value) traits[column] = value;
    }
    const store = cell("registration_store");
    if (store) {
      const storeId = await env.resolveStore(store);
      if (storeId) traits.registration_store = storeId;
      else errors.push({ field: "registration_store", reason: `no store with code or id ${store}` });
    }
    for (const { name: trait, index } of columns.extra) {
      const value = (fields[index] ?? "").trim();
      if (!value) continue;
      if (value.length > 1000) errors.push({ field: trait, reason: "is longer than 1000 characters" });
      else traits[trait] = value;
    }
    if (errors.length > 0) return { errors };

    const anchor = found[0]!;
    const content = JSON.stringify([userId, Object.entries(traits).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)), identities]);
    return {
      message: {
        type: "identify",
        messageId: `import:profile:${createHash("sha256").update(content).digest("hex").slice(0, 32)}`,
        ...(userId ? { userId } : { anonymousId: `import:${anchor.type}:${anchor.value}` }),
        traits,
        context: { identities },
      },
    };
  };
}

/**
 * An orders row → an `Order Completed` event, shaped as the orders API shapes it
 * and with the same message id, `order:<order_id>`: an order that arrives both
 * ways counts once. One row is one order; an order id repeated further down the
 * same file is an error on that row (line items belong in one row's product columns).
 */
export function createOrderRowReader(columns: ColumnMap, env: RowEnv): RowReader {
  const firstLineOf = new Map<string, number>();
  return async (fields, line) => {
    const cell = cellReader(columns, fields);
    const errors: RowError[] = [];

    const orderId = cell("order_id");
    if (!orderId) errors.push({ field: "order_id", reason: "is required" });
    else if (orderId.length > 200) errors.push({ field: "order_id", reason: "is longer than 200 characters" });
    else {
      const earlier = firstLineOf.get(orderId);
      if (earlier !== undefined) errors.push({ field: "order_id", reason: `repeats the order on line ${earlier} (one row per order)` });
      else firstLineOf.set(orderId, line);
    }

    const customer: Record<string, string> = {};
    for (const column of ["user_id", "phone", "email"] as const) {
      const raw = cell(column);
      if (!raw) continue;
      const result = normaliseIdentifier(column, raw, env.identity);
      if ("error" in result) errors.push({ field: column, reason: result.error });
      else if ("value" in result) customer[column] = result.value;
    }
    if (Object.keys(customer).length === 0 && !errors.some((e) => e.field === "user_id" || e.field === "phone" || e.field === "email")) {
      const first = ["user_id", "phone", "email"].find((c) => columns.known.has(c))!;
      errors.push({ field: first, reason: "the row names no customer (user_id, phone or email)" });
    }

    const currencyCell = cell("currency");
    let currency = env.currency;
    if (currencyCell) {
      if (/^[A-Za-z]{3}$/.test(currencyCell)) currency = currencyCell.toUpperCase();
      else errors.push({ field: "currency", reason: "must be an ISO 4217 code such as CNY" });
    }
    const decimals = Math.round(Math.log10(minorUnitsPer(currency)));
    const totalCell = cell("total");
    let total: number | null = null;
    if (!totalCell) errors.push({ field: "total", reason: "is required" });
    else {
      const parsed = parseAmount(totalCell, decimals);
      if ("error" in parsed) errors.push({ field: "total", reason: parsed.error });
      else total = parsed.value;
    }

    const orderedAtCell = cell("ordered_at");
    let orderedAt: Date | null = null;
    if (!orderedAtCell) errors.push({ field: "ordered_at", reason: "is required" });
    else {
      const parsed = parseDateTime(orderedAtCell, env.timeZone);
      if ("error" in parsed) errors.push({ field: "ordered_at", reason: parsed.error });
      else orderedAt = parsed.value;
    }

    const storeCell = cell("store");
    let storeId: string | undefined;
    if (storeCell) {
      const found = await env.resolveStore(storeCell);
      if (found) storeId = found;
      else errors.push({ field: "store", reason: `no store with code or id ${storeCell}` });
    }
    const coupon = cell("coupon");
    if (coupon.length > 100) errors.push({ field: "coupon", reason: "is longer than 100 characters" });

    const product = readProduct(cell, decimals, errors);
    if (errors.length > 0) return { errors };

    const extra: Record<string, string> = {};
    for (const { name, index } of columns.extra) {
      const value = (fields[index] ?? "").trim();
      if (value) extra[name] = value.slice(0, 1000);
    }
    const who = customer.user_id ? { userId: customer.user_id } : { anonymousId: `order-customer:${customer.phone ?? customer.email}` };
    return {
      message: {
        type: "track",
        event: ORDER_COMPLETED,
        messageId: `order:${orderId}`,
        timestamp: orderedAt!.toISOString(),
        ...who,
        context: { traits: pick(customer, ["phone", "email"]), identities: [] },
        properties: {
          ...extra,
          order_id: orderId,
          total,
          currency,
          ...(storeId ? { store_id: storeId } : {}),
          ...(coupon ? { coupon } : {}),
          products: product ? [product] : [],
        },
      },
    };
  };
}

function readProduct(cell: (column: string) => string, decimals: number, errors: RowError[]): Record<string, unknown> | null {
  const product: Record<string, unknown> = {};
  for (const [column, key, max] of [
    ["product_id", "product_id", 200],
    ["sku", "sku", 100],
    ["product_name", "name", 200],
    ["category", "category", 100],
  ] as const) {
    const value = cell(column);
    if (value.length > max) errors.push({ field: column, reason: `is longer than ${max} characters` });
    else if (value) product[key] = value;
  }
  const price = cell("price");
  if (price) {
    const parsed = parseAmount(price, decimals);
    if ("error" in parsed) errors.push({ field: "price", reason: parsed.error });
    else product.price = parsed.value;
  }
  const quantity = cell("quantity");
  if (quantity) {
    const parsed = parseCount(quantity, 1, 10_000);
    if ("error" in parsed) errors.push({ field: "quantity", reason: parsed.error });
    else product.quantity = parsed.value;
  }
  return Object.keys(product).length > 0 ? product : null;
}

function pick(values: Record<string, string>, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.filter((k) => values[k] !== undefined).map((k) => [k, values[k]!]));
}

/**
 * An events row → a `track` call: `event` at `timestamp` by `user_id` (or `anonymous_id`),
 * `channel` as the context's channel, `store` (code or id) as properties.store_id, every
 * other column a text property. The message id is the `message_id` column, or a hash of the
 * row's content: the same file imported again adds nothing, and two rows equal in every
 * column are one event (give message_id to keep both).
 */
export function createEventRowReader(columns: ColumnMap, env: RowEnv): RowReader {
  return async (fields) => {
    const cell = cellReader(columns, fields);
    const errors: RowError[] = [];
    const event = cell("event");
    if (!event) errors.push({ field: "event", reason: "is required" });
    else if (event.length > 200) errors.push({ field: "event", reason: "is longer than 200 characters" });
    const timestampCell = cell("timestamp");
    let at: Date | null = null;
    if (!timestampCell) errors.push({ field: "timestamp", reason: "is required" });
    else {
      const parsed = parseDateTime(timestampCell, env.timeZone);
      if ("error" in parsed) errors.push({ field: "timestamp", reason: parsed.error });
      else at = parsed.value;
    }
    const who: Record<string, string> = {};
    for (const column of ["user_id", "anonymous_id"] as const) {
      const raw = cell(column);
      if (!raw) continue;
      if (column === "user_id") {
        const result = normaliseIdentifier("user_id", raw, env.identity);
        if ("error" in result) errors.push({ field: column, reason: result.error });
        else if ("value" in result) who.userId = result.value;
      } else if (raw.length > 200) errors.push({ field: column, reason: "is longer than 200 characters" });
      else who.anonymousId = raw;
    }
    if (!who.userId && !who.anonymousId && !errors.some((e) => e.field === "user_id" || e.field === "anonymous_id")) {
      errors.push({ field: columns.known.has("user_id") ? "user_id" : "anonymous_id", reason: "the row names nobody (user_id or anonymous_id)" });
    }
    const messageIdCell = cell("message_id");
    if (messageIdCell.length > 200) errors.push({ field: "message_id", reason: "is longer than 200 characters" });
    const channel = cell("channel");
    if (channel.length > 100) errors.push({ field: "channel", reason: "is longer than 100 characters" });
    const storeCell = cell("store");
    let storeId: string | undefined;
    if (storeCell) {
      const found = await env.resolveStore(storeCell);
      if (found) storeId = found;
      else errors.push({ field: "store", reason: `no store with code or id ${storeCell}` });
    }
    const properties: Record<string, string> = {};
    for (const { name, index } of columns.extra) {
      const value = (fields[index] ?? "").trim();
      if (value.length > 1000) errors.push({ field: name, reason: "is longer than 1000 characters" });
      else if (value) properties[name] = value;
    }
    if (storeId) properties.store_id = storeId;
    if (errors.length > 0) return { errors };

    const content = JSON.stringify([event, at!.toISOString(), who, channel, Object.entries(properties).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]);
    return {
      message: {
        type: "track",
        event,
        messageId: messageIdCell || `import:event:${createHash("sha256").update(content).digest("hex").slice(0, 32)}`,
        timestamp: at!.toISOString(),
        ...who,
        context: channel ? { channel } : {},
        properties,
      },
    };
  };
}
