// Test data for this module's suites: Segment messages as the log holds them.
import type { NormalisedEvent } from "../events";

type Message = Partial<Omit<NormalisedEvent, "ts" | "payload">> & {
  ts: string;
  properties?: Record<string, unknown>;
  context?: Record<string, unknown>;
  traits?: Record<string, unknown>;
  name?: string;
};

let counter = 0;

/** A logged message; userId "u1" and a fresh messageId unless given. */
export function message(m: Message): NormalisedEvent {
  counter += 1;
  const type = m.type ?? "track";
  const messageId = m.messageId ?? `fx-${counter}-${Math.random().toString(36).slice(2, 8)}`;
  const userId = m.userId === undefined ? "u1" : m.userId;
  const anonymousId = m.anonymousId ?? null;
  const payload: Record<string, unknown> = { type, messageId, timestamp: m.ts };
  if (type === "track") payload.event = m.event ?? "Product Viewed";
  if (userId) payload.userId = userId;
  if (anonymousId) payload.anonymousId = anonymousId;
  if (m.name) payload.name = m.name;
  if (m.properties) payload.properties = m.properties;
  if (m.traits) payload.traits = m.traits;
  payload.context = m.context ?? { library: { name: "analytics.js", version: "5.2.0" } };
  return {
    messageId,
    type,
    event: type === "track" ? (m.event ?? "Product Viewed") : null,
    userId,
    anonymousId,
    ts: new Date(m.ts),
    receivedAt: m.receivedAt ?? new Date(m.ts),
    payload,
  };
}

/** `n` track events a minute apart from `start`. */
export function trackSeries(n: number, start: string, event = "Product Viewed"): NormalisedEvent[] {
  const t0 = Date.parse(start);
  return Array.from({ length: n }, (_, i) =>
    message({ event, ts: new Date(t0 + i * 60_000).toISOString(), properties: { sku: `sku-${i}`, i } }),
  );
}
