import { EVENT_IMPORT_COLUMNS, ORDER_COLUMNS, PROFILE_IDENTIFIER_COLUMNS, PROFILE_TRAIT_COLUMNS, type ImportKind } from "@siyu/contracts";
import { formatCsv } from "../../lib/csv-format";

/**
 * An OpenID is unique only within its WeChat app, so the server requires this column whenever
 * `wechat_openid` is there. The contract's column lists do not name it; the template must.
 */
export const WECHAT_APPID_COLUMN = "wechat_appid";

/** Columns every orders file needs; `ORDER_CUSTOMER_COLUMNS` says who ordered (at least one). */
export const ORDER_REQUIRED_COLUMNS = ["order_id", "total", "ordered_at"] as const;
export const ORDER_CUSTOMER_COLUMNS = ["user_id", "phone", "email"] as const;

export type ImportColumnGroup = {
  /** What the group means for a file: `customers.` help keys are built from it. */
  role: "identifiers" | "traits" | "required" | "customer" | "optional";
  columns: readonly string[];
};

/** The columns of a file, grouped as the help text explains them, in the contract's order. */
export function importColumnGroups(kind: ImportKind): ImportColumnGroup[] {
  if (kind === "profiles") {
    const identifiers = PROFILE_IDENTIFIER_COLUMNS.flatMap((c) => (c === "wechat_openid" ? [c, WECHAT_APPID_COLUMN] : [c]));
    return [
      { role: "identifiers", columns: identifiers },
      { role: "traits", columns: [...PROFILE_TRAIT_COLUMNS] },
    ];
  }
  if (kind === "events") {
    return [
      { role: "required", columns: ["event", "timestamp"] },
      { role: "customer", columns: ["user_id", "anonymous_id"] },
      { role: "optional", columns: EVENT_IMPORT_COLUMNS.filter((c) => !["event", "timestamp", "user_id", "anonymous_id"].includes(c)) },
    ];
  }
  const required: readonly string[] = ORDER_REQUIRED_COLUMNS;
  const customer: readonly string[] = ORDER_CUSTOMER_COLUMNS;
  return [
    { role: "required", columns: ORDER_COLUMNS.filter((c) => required.includes(c)) },
    { role: "customer", columns: ORDER_COLUMNS.filter((c) => customer.includes(c)) },
    { role: "optional", columns: ORDER_COLUMNS.filter((c) => !required.includes(c) && !customer.includes(c)) },
  ];
}

/** Every column of a file, in the order the template lists them. */
export function importColumns(kind: ImportKind): string[] {
  return importColumnGroups(kind).flatMap((group) => group.columns);
}

/** An empty file with the full header, to fill in and upload (BOM and CRLF, as Excel expects). */
export function importTemplateCsv(kind: ImportKind): string {
  return formatCsv([importColumns(kind)]);
}

export function importTemplateFileName(kind: ImportKind): string {
  return `siyu-${kind}-template.csv`;
}
