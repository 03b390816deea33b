import type { Db } from "@siyu/storage";
import type { ImportKind, ImportReportDto, ImportRowError, IngestResultDto } from "@siyu/contracts";
import { appendAuditEntry } from "../audit";
import type { IdentitySettings } from "../identity";
import type { StoresService } from "../stores";
import type { WorkspacesService } from "../workspaces";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { DomainError } from "../shared/domain-error";
import { isUuid } from "../shared/ids";
import { NUL_MESSAGE } from "../shared/nul-paths";
import { readCsvRecords, sliceText } from "./csv-parser";
import { mapColumns, type ColumnMap } from "./import-columns";
import { createEventRowReader, createOrderRowReader, createProfileRowReader, type RowEnv, type RowError, type RowReader } from "./import-rows";
import { importErrors } from "./imports.errors";
import type { ImportSettings } from "./imports.settings";

export interface ImportsDeps {
  db: Db;
  clock: Clock;
  settings: ImportSettings;
  /** The ingest flow (validation, then the durable, deduplicating event log), with history allowed. */
  ingest(workspaceId: string, items: readonly unknown[]): Promise<IngestResultDto>;
  identitySettings(workspaceId: string): Promise<IdentitySettings>;
  workspaces: Pick<WorkspacesService, "get">;
  stores: Pick<StoresService, "get" | "findByCode">;
}

/** A whole CSV text, or its text in chunks (a file stream) for files of any size. */
export type ImportSource = string | AsyncIterable<string> | Iterable<string>;

export interface ImportProgress {
  rows: number;
  accepted: number;
  duplicates: number;
  rejected: number;
}

export interface ImportOptions {
  /** Called after each batch reached the event log. */
  onProgress?(progress: ImportProgress): void;
  /** Errors listed in the report (default: the settings' maxReportedErrors); the rest are counted. */
  maxReportedErrors?: number;
  /** Named in the audit entry. */
  fileName?: string;
  /** Column names for a file without a header line: line 1 is then a data row. */
  header?: readonly string[];
}

export function createImportsService(deps: ImportsDeps) {
  return {
    /**
     * Imports a CSV file of profiles or orders: reads it row by row, validates
     * each row, and sends the valid ones in batches to the event log, where
     * message ids make a second import of the same rows add nothing. Writes one
     * audit entry. Fails only when the header is unusable; row problems are reported.
     */
    importCsv: (ctx: WorkspaceContext, kind: ImportKind, source: ImportSource, options: ImportOptions = {}) =>
      importCsv(deps, ctx, kind, source, options),
  };
}
export type ImportsService = ReturnType<typeof createImportsService>;

async function importCsv(deps: ImportsDeps, ctx: WorkspaceContext, kind: ImportKind, source: ImportSource, options: ImportOptions): Promise<ImportReportDto> {
  const workspace = await deps.workspaces.get(ctx.workspaceId);
  const env: RowEnv = {
    identity: await deps.identitySettings(ctx.workspaceId),
    timeZone: workspace.timezone,
    currency: workspace.currency,
    now: deps.clock.now(),
    resolveStore: storeResolver(deps, ctx),
  };
  const maxErrors = options.maxReportedErrors ?? deps.settings.maxReportedErrors;
  const report: ImportReportDto = { kind, rows: 0, accepted: 0, duplicates: 0, rejected: 0, errors: [], errorsOmitted: 0 };
  const reject = (line: number, errors: readonly RowError[]) => {
    report.rejected += 1;
    for (const e of errors) {
      if (report.errors.length < maxErrors) report.errors.push({ line, field: e.field, reason: e.reason });
      else report.errorsOmitted += 1;
    }
  };

  let batch: { line: number; message: Record<string, unknown> }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const sent = batch;
    batch = [];
    const result = await deps.ingest(ctx.workspaceId, sent.map((b) => b.message));
    report.accepted += result.accepted;
    report.duplicates += result.duplicates;
    // The rows were checked already; what the log still refuses (an order dated too far ahead …) is named by column.
    const byIndex = new Map<number, RowError[]>();
    for (const e of result.errors) byIndex.set(e.index, [...(byIndex.get(e.index) ?? []), { field: columnOfPath(kind, e.path), reason: e.message }]);
    for (const [index, errors] of [...byIndex].sort(([a], [b]) => a - b)) reject(sent[index]!.line, errors);
    options.onProgress?.({ rows: report.rows, accepted: report.accepted, duplicates: report.duplicates, rejected: report.rejected });
  };

  let columns: ColumnMap | null = null;
  let read: RowReader | null = null;
  const readerOf = { profiles: createProfileRowReader, orders: createOrderRowReader, events: createEventRowReader }[kind];
  if (options.header) {
    columns = mapColumns(kind, options.header);
    read = readerOf(columns, env);
  }
  const records = readCsvRecords(typeof source === "string" ? sliceText(source) : source);
  for await (const record of records) {
    if (!columns) {
      if (record.problem) throw importErrors.error("imports.bad_header", `The header (line ${record.line}) cannot be read: ${record.problem}.`);
      const nulColumn = record.fields.findIndex((f) => f.includes("\u0000"));
      if (nulColumn >= 0) throw importErrors.error("imports.bad_header", `The header (line ${record.line}) cannot be read: column ${nulColumn + 1} ${NUL_MESSAGE}.`);
      columns = mapColumns(kind, record.fields);
      read = readerOf(columns, env);
      continue;
    }
    // Spreadsheets export empty rows as a line of commas: those are not rows.
    if (!record.problem && record.fields.every((f) => f.trim() === "")) continue;
    report.rows += 1;
    if (record.problem) {
      reject(record.line, [{ field: "row", reason: record.problem }]);
      continue;
    }
    const surplus = record.fields.slice(columns.width).filter((f) => f.trim() !== "").length;
    if (surplus > 0) {
      reject(record.line, [{ field: "row", reason: `has ${record.fields.length} cells; the header names ${columns.width} columns` }]);
      continue;
    }
    // PostgreSQL's text cannot hold U+0000: such a cell refuses its row, not the file.
    const header = columns;
    const nul = record.fields.flatMap((f, i) => (f.includes("\u0000") ? [{ field: columnName(header, i), reason: NUL_MESSAGE }] : []));
    if (nul.length > 0) {
      reject(record.line, nul);
      continue;
    }
    const result = await read!(record.fields, record.line);
    if ("errors" in result) reject(record.line, result.errors);
    else batch.push({ line: record.line, message: result.message });
    if (batch.length >= deps.settings.batchSize) await flush();
  }
  if (!columns) throw importErrors.error("imports.bad_header", "The file is empty: line 1 must be a header naming the columns.");
  await flush();

  const counts = { rows: report.rows, accepted: report.accepted, duplicates: report.duplicates, rejected: report.rejected };
  await appendAuditEntry(deps.db, deps.clock, ctx, {
    action: `import.${kind}`,
    targetType: "import",
    targetId: null,
    summary:
      `Imported ${kind}${options.fileName ? ` from ${options.fileName}` : ""}: ${counts.rows} rows, ` +
      `${counts.accepted} accepted, ${counts.duplicates} duplicates, ${counts.rejected} rejected`,
    after: { ...counts, ...(options.fileName ? { fileName: options.fileName } : {}) },
  });
  return report;
}

/** Store references of a file repeat: each code or id is looked up once per import. */
function storeResolver(deps: ImportsDeps, ctx: WorkspaceContext): (ref: string) => Promise<string | null> {
  const cache = new Map<string, Promise<string | null>>();
  const lookup = async (ref: string): Promise<string | null> => {
    if (isUuid(ref)) {
      try {
        return (await deps.stores.get(ctx, ref.toLowerCase())).id;
      } catch (error) {
        if (error instanceof DomainError && error.status === 404) return null;
        throw error;
      }
    }
    return (await deps.stores.findByCode(ctx, ref))?.id ?? null;
  };
  return (ref) => {
    let found = cache.get(ref);
    if (!found) {
      found = lookup(ref);
      cache.set(ref, found);
    }
    return found;
  };
}

/** The CSV column a field path of the built message came from. */
function columnOfPath(kind: ImportKind, path: string): ImportRowError["field"] {
  if (path === "timestamp") return kind === "events" ? "timestamp" : "ordered_at";
  if (path === "event") return "event";
  if (path === "anonymousId") return "anonymous_id";
  if (path === "userId") return "user_id";
  const trait = /^(?:context\.)?traits\.(\w+)$/.exec(path);
  if (trait) return trait[1]!;
  const property = /^properties\.(\w+)/.exec(path);
  if (property) return property[1] === "store_id" ? "store" : property[1] === "products" ? "product_id" : property[1]!;
  return "row";
}

/** The header's name of a row's cell `index` (a known column, an extra one, else its position). */
function columnName(columns: ColumnMap, index: number): string {
  for (const [name, at] of columns.known) if (at === index) return name;
  return columns.extra.find((c) => c.index === index)?.name ?? `column ${index + 1}`;
}
