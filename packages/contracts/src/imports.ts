import { z } from "zod";

/** What a CSV file holds: one customer per row, one order per row, or one behaviour event per row. */
export const IMPORT_KINDS = ["profiles", "orders", "events"] as const;
export const ImportKind = z.enum(IMPORT_KINDS);
export type ImportKind = z.infer<typeof ImportKind>;

/** Columns of a profiles file that identify the person; a file needs at least one of them. */
export const PROFILE_IDENTIFIER_COLUMNS = [
  "user_id",
  "phone",
  "email",
  "wechat_unionid",
  "wechat_openid",
  "wecom_external_userid",
  "douyin_openid",
  "tmall_id",
] as const;

/** Columns of a profiles file read as typed traits; any other column becomes a free trait of that name. */
export const PROFILE_TRAIT_COLUMNS = ["name", "gender", "birthday", "city", "registration_store", "source_channel"] as const;

/** Columns of an orders file. `order_id`, `total`, `ordered_at` and one of `user_id`, `phone`, `email` are required. */
export const ORDER_COLUMNS = [
  "order_id",
  "user_id",
  "phone",
  "email",
  "total",
  "currency",
  "store",
  "coupon",
  "ordered_at",
  "product_id",
  "sku",
  "product_name",
  "category",
  "price",
  "quantity",
] as const;

/**
 * Columns of an events file. `event`, `timestamp` and one of `user_id`, `anonymous_id` are
 * required; any other column becomes a property of the event (as text).
 */
export const EVENT_IMPORT_COLUMNS = ["event", "timestamp", "user_id", "anonymous_id", "message_id", "channel", "store"] as const;

/**
 * The body of an import: the CSV file itself, sent as `text/csv` (UTF-8 or, with
 * `charset=gb18030` or when the bytes are not UTF-8, GB18030 as Excel saves it in China).
 */
export const ImportCsvBody = z.string();

/** One problem of one row. `line` counts as the file does: the header is line 1. */
export const ImportRowError = z.object({
  line: z.number().int(),
  field: z.string(),
  reason: z.string(),
});
export type ImportRowError = z.infer<typeof ImportRowError>;

export const ImportReportDto = z.object({
  kind: ImportKind,
  /** Data rows read (the header and blank lines are not rows). rows = accepted + duplicates + rejected. */
  rows: z.number().int(),
  /** Rows that added something new. */
  accepted: z.number().int(),
  /** Rows already imported (or already sent through the API): nothing was added twice. */
  duplicates: z.number().int(),
  /** Rows with at least one error; nothing of them was imported. */
  rejected: z.number().int(),
  errors: z.array(ImportRowError),
  /** Errors beyond the report's limit, counted but not listed. */
  errorsOmitted: z.number().int(),
});
export type ImportReportDto = z.infer<typeof ImportReportDto>;

export const ImportQuery = z.strictObject({
  /** The uploaded file's name, recorded in the audit entry. */
  fileName: z.string().trim().min(1).max(200).optional(),
  /**
   * Column names for a file without a header line (comma-separated, e.g.
   * `user_id,item_id,category_id,event,timestamp`); line 1 is then data.
   */
  header: z.string().trim().min(1).max(2000).optional(),
});
