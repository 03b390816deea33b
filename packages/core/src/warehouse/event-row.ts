import type { WarehouseCell } from "./warehouse-types";
import type { LoggedEvent } from "../events";

/** The columns of the warehouse `events` table, in table order: the appender fills them by position. */
export const EVENT_COLUMNS = [
  "workspace_id",
  "seq",
  "message_id",
  "type",
  "event",
  "user_id",
  "anonymous_id",
  "ts",
  "received_at",
  "identifier_id",
  "page_name",
  "page_path",
  "channel",
  "library",
  "store_id",
  "order_id",
  "product_id",
  "revenue",
  "currency",
  "properties",
  "context",
  "traits",
] as const;

/**
 * One event as a warehouse row. Pure. The extracted columns follow the Segment
 * spec; the amount follows the profile projector (total, else revenue) so the
 * warehouse's sums agree with profiles' spend. `channel` is the marketing channel
 * that carried the event (`context.channel`, else `properties.channel`), never the
 * message's top-level `channel`: Segment's and RudderStack's libraries set that to
 * the platform that sent it ("server", "client", "web", "mobile").
 */
export function toEventRow(e: LoggedEvent, identifierId: string | null): WarehouseCell[] {
  const p = e.payload;
  const properties = asObject(p.properties);
  const context = asObject(p.context);
  const traits = asObject(p.traits);
  const page = asObject(context?.page);
  const library = asObject(context?.library);
  const pageView = e.type === "page" || e.type === "screen";
  const currency = text(properties?.currency);
  return [
    e.workspaceId,
    BigInt(e.seq),
    e.messageId,
    e.type,
    e.event,
    e.userId,
    e.anonymousId,
    e.ts,
    e.receivedAt,
    identifierId,
    pageView ? (text(p.name) ?? text(properties?.name)) : null,
    text(page?.path) ?? (pageView ? text(properties?.path) : null),
    text(context?.channel) ?? text(properties?.channel),
    text(library?.name),
    text(properties?.store_id),
    text(properties?.order_id),
    text(properties?.product_id),
    amount(properties?.total) ?? amount(properties?.revenue),
    currency ? currency.toUpperCase() : null,
    properties ? JSON.stringify(properties) : null,
    context ? JSON.stringify(context) : null,
    traits ? JSON.stringify(traits) : null,
  ];
}

function asObject(value: unknown): Record<string, unknown> | null {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** Ids arrive as strings or numbers (order_id: 1001); both are kept as text. */
function text(value: unknown): string | null {
  if (typeof value === "string") return value === "" ? null : value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return null;
}

function amount(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
