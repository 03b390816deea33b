import { z } from "zod";

/** Limits of CSV imports; the defaults suit a brand's member and order exports. */
export const ImportSettings = z.object({
  /** Rows sent to the event log per statement: one ingest call per batch. */
  batchSize: z.number().int().min(1).max(10_000).default(1000),
  /** The largest file the HTTP upload takes (the CLI reads files of any size). */
  maxUploadBytes: z.number().int().min(1024).max(1024 * 1024 * 1024).default(50 * 1024 * 1024),
  /** Errors listed in a report; more are counted in `errorsOmitted`. The CLI can write all of them to a file. */
  maxReportedErrors: z.number().int().min(0).max(1_000_000).default(1000),
  /**
   * An import is history: orders years old are expected, where live tracking
   * refuses events older than its own `maxPastDays`.
   */
  maxPastDays: z.number().int().min(1).max(36_500).default(36_500),
});
export type ImportSettings = z.infer<typeof ImportSettings>;
export const DEFAULT_IMPORT_SETTINGS: ImportSettings = ImportSettings.parse({});
