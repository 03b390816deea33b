import { EVENT_IMPORT_COLUMNS, ORDER_COLUMNS, PROFILE_IDENTIFIER_COLUMNS, PROFILE_TRAIT_COLUMNS, type ImportKind } from "@siyu/contracts";
import { importErrors } from "./imports.errors";

/** Which cell of a row holds each known column, and the other columns by their header name. */
export interface ColumnMap {
  known: ReadonlyMap<string, number>;
  /** Columns that are not known fields: free traits of a profile, extra properties of an order. */
  extra: readonly { name: string; index: number }[];
  width: number;
}

const PROFILE_COLUMNS: readonly string[] = [...PROFILE_IDENTIFIER_COLUMNS, "wechat_appid", ...PROFILE_TRAIT_COLUMNS];
export const ORDER_CUSTOMER_COLUMNS = ["user_id", "phone", "email"] as const;

/** Other names exports use for known columns (after lower-casing, spaces and dashes as `_`). */
const ALIASES: Record<ImportKind, Record<string, string>> = {
  profiles: {
    mobile: "phone",
    phone_number: "phone",
    手机: "phone",
    手机号: "phone",
    邮箱: "email",
    姓名: "name",
    性别: "gender",
    生日: "birthday",
    城市: "city",
    unionid: "wechat_unionid",
    openid: "wechat_openid",
    appid: "wechat_appid",
    external_userid: "wecom_external_userid",
  },
  orders: {
    mobile: "phone",
    phone_number: "phone",
    手机: "phone",
    手机号: "phone",
    邮箱: "email",
    订单号: "order_id",
    revenue: "total",
    amount: "total",
    金额: "total",
    store_id: "store",
    store_code: "store",
    门店: "store",
    下单时间: "ordered_at",
    order_date: "ordered_at",
  },
  events: {
    event_name: "event",
    behavior_type: "event",
    behaviour_type: "event",
    behavior: "event",
    事件: "event",
    ts: "timestamp",
    time: "timestamp",
    occurred_at: "timestamp",
    时间: "timestamp",
    anonymousid: "anonymous_id",
    userid: "user_id",
    messageid: "message_id",
    store_id: "store",
    store_code: "store",
    门店: "store",
  },
};

const KNOWN: Record<ImportKind, ReadonlySet<string>> = {
  profiles: new Set(PROFILE_COLUMNS),
  orders: new Set(ORDER_COLUMNS),
  events: new Set(EVENT_IMPORT_COLUMNS),
};

export function canonicalColumnName(kind: ImportKind, raw: string): string {
  const name = raw.trim().toLowerCase().replace(/[\s-]+/g, "_");
  return ALIASES[kind][name] ?? name;
}

/**
 * Reads the header row of a file of `kind`. Fails, naming the column, when a
 * column the kind needs is missing or a column appears twice. Columns with an
 * empty name (trailing commas of spreadsheet exports) are ignored.
 */
export function mapColumns(kind: ImportKind, header: readonly string[]): ColumnMap {
  const known = new Map<string, number>();
  const extra: { name: string; index: number }[] = [];
  const seen = new Map<string, number>();
  header.forEach((raw, index) => {
    const trimmed = raw.trim();
    if (!trimmed) return;
    const canonical = canonicalColumnName(kind, trimmed);
    const isKnown = KNOWN[kind].has(canonical);
    const name = isKnown ? canonical : trimmed;
    const before = seen.get(name);
    if (before !== undefined) {
      throw importErrors.error("imports.bad_header", `Column ${name} appears twice in the header (columns ${before + 1} and ${index + 1}).`, [
        { path: name, message: "appears twice" },
      ]);
    }
    seen.set(name, index);
    if (isKnown) known.set(canonical, index);
    else extra.push({ name, index });
  });
  if (known.size === 0 && extra.length === 0) {
    throw importErrors.error("imports.bad_header", "The file is empty: line 1 must be a header naming the columns.");
  }
  const missing = missingColumns(kind, known);
  if (missing.length > 0) {
    throw importErrors.error(
      "imports.missing_column",
      `The header (line 1) has ${missing.map((m) => `no ${m.column} column: ${m.message}`).join("; ")}.`,
      missing.map((m) => ({ path: m.column, message: m.message })),
    );
  }
  return { known, extra, width: header.length };
}

function missingColumns(kind: ImportKind, known: ReadonlyMap<string, number>): { column: string; message: string }[] {
  const missing: { column: string; message: string }[] = [];
  if (kind === "profiles") {
    if (!PROFILE_IDENTIFIER_COLUMNS.some((c) => known.has(c))) {
      missing.push({ column: "user_id", message: `a profiles file needs at least one of ${PROFILE_IDENTIFIER_COLUMNS.join(", ")}` });
    }
    if (known.has("wechat_openid") && !known.has("wechat_appid")) {
      missing.push({ column: "wechat_appid", message: "an OpenID is only unique within its app, so wechat_openid needs wechat_appid" });
    }
    return missing;
  }
  if (kind === "events") {
    for (const column of ["event", "timestamp"]) if (!known.has(column)) missing.push({ column, message: "an events file needs it" });
    if (!known.has("user_id") && !known.has("anonymous_id")) missing.push({ column: "user_id", message: "an events file needs user_id or anonymous_id to know who did it" });
    return missing;
  }
  for (const column of ["order_id", "total", "ordered_at"]) {
    if (!known.has(column)) missing.push({ column, message: "an orders file needs it" });
  }
  if (!ORDER_CUSTOMER_COLUMNS.some((c) => known.has(c))) {
    missing.push({ column: "user_id", message: "an orders file needs one of user_id, phone, email to know who ordered" });
  }
  return missing;
}
