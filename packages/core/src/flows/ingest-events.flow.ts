import type { IngestItemError, IngestResultDto, MessageType } from "@siyu/contracts";
import type { Db } from "@siyu/storage";
import { appendEvents, normaliseMessage, type IngestSettings, type NormalisedEvent } from "../events";
import { extractIdentifiers, type IdentitySettings } from "../identity";
import { ORDER_COMPLETED, ORDER_REFUNDED, parseOrderCompleted, parseOrderRefunded } from "../profiles";
import type { Clock } from "../shared/clock";

export interface IngestDeps {
  db: Db;
  clock: Clock;
  settings: IngestSettings;
  identitySettings(workspaceId: string, db: Db): Promise<IdentitySettings>;
  currencyOf(workspaceId: string, db: Db): Promise<string>;
}

export interface IngestOptions {
  type?: MessageType;
  batchContext?: Record<string, unknown>;
  batchSentAt?: string;
}

/**
 * Validates each message (shape, ids, time, size, identifiers such as phones,
 * order fields), appends the valid ones to the durable log in one statement and
 * names every bad field of the others. Returns only once the valid ones are durable.
 */
export async function ingestMessages(deps: IngestDeps, workspaceId: string, items: readonly unknown[], options: IngestOptions = {}): Promise<IngestResultDto> {
  const receivedAt = deps.clock.now();
  const identity = await deps.identitySettings(workspaceId, deps.db);
  const currency = await deps.currencyOf(workspaceId, deps.db);
  const errors: IngestItemError[] = [];
  const valid: NormalisedEvent[] = [];
  items.forEach((raw, index) => {
    const normalised = normaliseMessage(raw, { ...options, receivedAt, settings: deps.settings });
    if ("errors" in normalised) {
      for (const e of normalised.errors) errors.push({ index, ...e });
      return;
    }
    const problems = [...extractIdentifiers(normalised.event.payload, identity).errors, ...orderProblems(normalised.event, currency)];
    if (problems.length > 0) {
      for (const e of problems) errors.push({ index, ...e });
      return;
    }
    valid.push(normalised.event);
  });
  const fresh = await appendEvents(deps.db, workspaceId, valid);
  return { success: errors.length === 0, accepted: fresh.size, duplicates: valid.length - fresh.size, errors };
}

function orderProblems(event: NormalisedEvent, currency: string) {
  if (event.event !== ORDER_COMPLETED && event.event !== ORDER_REFUNDED) return [];
  const properties = (event.payload.properties ?? {}) as Record<string, unknown>;
  const parsed = event.event === ORDER_COMPLETED ? parseOrderCompleted(properties, currency) : parseOrderRefunded(properties, currency);
  return "errors" in parsed ? parsed.errors : [];
}
