import { MESSAGE_SCHEMAS, MESSAGE_TYPES, type IngestItemError, type MessageType } from "@siyu/contracts";
import { newId } from "../shared/ids";
import { nulPaths, NUL_MESSAGE } from "../shared/nul-paths";
import type { IngestSettings } from "./events.settings";

/** One accepted message, ready for the log. */
export interface NormalisedEvent {
  messageId: string;
  type: MessageType;
  event: string | null;
  userId: string | null;
  anonymousId: string | null;
  ts: Date;
  receivedAt: Date;
  payload: Record<string, unknown>;
}

export type FieldError = Omit<IngestItemError, "index">;

export interface NormaliseOptions {
  /** The endpoint's type (/v1/track …); batch items carry their own. */
  type?: MessageType;
  /** Batch-level context and integrations, merged under each item's own. */
  batchContext?: Record<string, unknown>;
  batchSentAt?: string;
  receivedAt: Date;
  settings: IngestSettings;
}

/**
 * Checks one Segment message and turns it into a log entry, or names every bad
 * field. Pure: the same input gives the same answer (message ids aside).
 */
export function normaliseMessage(raw: unknown, options: NormaliseOptions): { event: NormalisedEvent } | { errors: FieldError[] } {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return { errors: [{ path: "", message: "must be a JSON object" }] };
  }
  const declared = (raw as { type?: unknown }).type;
  const type = options.type ?? (typeof declared === "string" ? declared.toLowerCase() : undefined);
  if (!type || !(MESSAGE_TYPES as readonly string[]).includes(type)) {
    return { errors: [{ path: "type", message: `must be one of ${MESSAGE_TYPES.join(", ")}` }] };
  }
  const parsed = MESSAGE_SCHEMAS[type as MessageType].safeParse({ ...raw, type });
  if (!parsed.success) {
    return {
      errors: parsed.error.issues.map((issue) => ({
        path: issue.path.join(".") || "",
        message: issue.message,
      })),
    };
  }
  const message = parsed.data as Record<string, unknown> & {
    messageId?: string;
    userId?: string | null;
    anonymousId?: string | null;
    timestamp?: string;
    originalTimestamp?: string;
    sentAt?: string;
    event?: string;
    context?: Record<string, unknown>;
  };
  const errors: FieldError[] = [];
  const userId = cleanId(message.userId);
  const anonymousId = cleanId(message.anonymousId);
  if (!userId && !anonymousId && type !== "alias") {
    errors.push({ path: "userId", message: "userId or anonymousId is required" });
  }
  // RudderStack dates a queued event in originalTimestamp and sets timestamp only on delivery.
  const ts = eventTime(message.originalTimestamp ?? message.timestamp, message.sentAt ?? options.batchSentAt, options, errors);
  const serialized = JSON.stringify(raw);
  // JSON.stringify writes U+0000 as its escape: only a message whose text has one is walked.
  if (serialized.includes("\\u0000")) for (const path of nulPaths(raw)) errors.push({ path, message: NUL_MESSAGE });
  const size = Buffer.byteLength(serialized);
  if (size > options.settings.maxMessageBytes) {
    const biggest = ["properties", "traits", "context"].find((k) => k in message) ?? "";
    errors.push({ path: biggest, message: `message is ${size} bytes; the limit is ${options.settings.maxMessageBytes}` });
  }
  if (errors.length > 0) return { errors };
  const payload: Record<string, unknown> = { ...message, type };
  if (options.batchContext) payload.context = { ...options.batchContext, ...(message.context ?? {}) };
  return {
    event: {
      messageId: message.messageId ?? `siyu-${newId()}`,
      type: type as MessageType,
      event: type === "track" ? (message.event as string) : null,
      userId,
      anonymousId,
      ts: ts ?? options.receivedAt,
      receivedAt: options.receivedAt,
      payload,
    },
  };
}

/**
 * Corrects the device clock the way Segment does: the event happened
 * (sentAt − timestamp) before the server received it.
 */
function eventTime(timestamp: string | undefined, sentAt: string | undefined, options: NormaliseOptions, errors: FieldError[]): Date | null {
  if (timestamp === undefined) return null;
  const at = Date.parse(timestamp);
  if (Number.isNaN(at)) {
    errors.push({ path: "timestamp", message: "must be an ISO 8601 date-time" });
    return null;
  }
  const sent = sentAt === undefined ? Number.NaN : Date.parse(sentAt);
  const received = options.receivedAt.getTime();
  const corrected = Number.isNaN(sent) ? at : received - (sent - at);
  const { maxPastDays, maxFutureHours } = options.settings;
  if (corrected < received - maxPastDays * 86_400_000) {
    errors.push({ path: "timestamp", message: `is more than ${maxPastDays} days in the past` });
    return null;
  }
  if (corrected > received + maxFutureHours * 3_600_000) {
    errors.push({ path: "timestamp", message: `is more than ${maxFutureHours} hours in the future` });
    return null;
  }
  return new Date(corrected);
}

function cleanId(value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const trimmed = value.trim();
  return trimmed === "" ? null : trimmed;
}
