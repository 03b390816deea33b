import type { BroadcastDto, Channel, MessageDto, MessageListQuery, MessageStatus, TemplateDto } from "@siyu/contracts";
import { CHANNEL_FIELDS, type ContentField } from "./template-form";

/** Badge colours: green went out, blue is on its way, orange waits, red failed, grey never left. */
export const STATUS_COLORS: Readonly<Record<MessageStatus, string>> = {
  queued: "blue",
  held: "orange",
  sending: "processing",
  pending_confirmation: "gold",
  delivered: "green",
  failed: "red",
  suppressed: "default",
};

export const BROADCAST_STATUS_COLORS: Readonly<Record<BroadcastDto["status"], string>> = {
  scheduled: "blue",
  sending: "processing",
  sent: "green",
  cancelled: "default",
};

export type MessageFilters = { channel?: Channel; status?: MessageStatus; journeyId?: string; profileId?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a typed journey id can be sent as a filter (the API refuses anything but an id). */
export function isId(value: string): boolean {
  return UUID.test(value.trim());
}

/** The list query for the filters: blank or malformed ids are left out rather than refused by the server. */
export function messageQuery(filters: MessageFilters, cursor: string | undefined, limit = 50): Partial<MessageListQuery> & { limit: number } {
  const query: Partial<MessageListQuery> & { limit: number } = { limit };
  if (filters.channel) query.channel = filters.channel;
  if (filters.status) query.status = filters.status;
  if (filters.journeyId && isId(filters.journeyId)) query.journeyId = filters.journeyId.trim();
  if (filters.profileId) query.profileId = filters.profileId;
  if (cursor) query.cursor = cursor;
  return query;
}

/** The rendered fields worth showing for a message's channel, in the channel's order, non-empty only. */
export function renderedFields(message: Pick<MessageDto, "channel" | "rendered">): { field: ContentField; value: string }[] {
  const out: { field: ContentField; value: string }[] = [];
  for (const field of CHANNEL_FIELDS[message.channel]) {
    const value = field === "params" ? paramsText(message.rendered.params) : message.rendered[field];
    if (value.trim() !== "") out.push({ field, value });
  }
  return out;
}

export function paramsText(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([key, value]) => `${key} = ${value}`)
    .join("\n");
}

/** A one-line summary of what a message said, for tables. */
export function messageSnippet(message: Pick<MessageDto, "channel" | "rendered">, max = 60): string {
  const first = renderedFields(message)[0]?.value ?? "";
  const line = first.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** One key per click on "send": a retried request sends once, a second click sends again. */
export function newIdempotencyKey(random: () => string = () => crypto.randomUUID()): string {
  return `console-test-${random()}`;
}

/** The templates one may pick for a channel, by name. */
export function templatesForChannel(templates: readonly TemplateDto[], channel: Channel | undefined): TemplateDto[] {
  return templates.filter((t) => channel === undefined || t.channel === channel).sort((a, b) => a.name.localeCompare(b.name));
}

/** A broadcast can still be cancelled until it has sent its last round. */
export function canCancelBroadcast(status: BroadcastDto["status"]): boolean {
  return status === "scheduled" || status === "sending";
}
