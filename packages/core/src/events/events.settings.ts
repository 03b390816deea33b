import { z } from "zod";

/** Operator-editable limits of ingestion (server config `ingest`). */
export const IngestSettings = z.object({
  /** Events older than this are refused as absurd (imports of history use the orders/CSV paths). */
  maxPastDays: z.number().int().min(1).max(36_500).default(3650),
  /** Clocks drift; an event further ahead than this is refused. */
  maxFutureHours: z.number().int().min(0).max(24 * 30).default(24),
  /** Segment's own per-message limit is 32 KB. */
  maxMessageBytes: z.number().int().min(1024).max(1024 * 1024).default(32 * 1024),
  /** Region assumed for phone numbers written without a country code. */
  defaultPhoneRegion: z.string().length(2).default("CN"),
});
export type IngestSettings = z.infer<typeof IngestSettings>;
export const DEFAULT_INGEST_SETTINGS: IngestSettings = IngestSettings.parse({});
