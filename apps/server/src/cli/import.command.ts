import { createReadStream, statSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { IMPORT_KINDS, type ImportKind, type ImportReportDto } from "@siyu/contracts";
import { csvEncodingOf, decodeCsvStream, DomainError, formatCsvRow, type CoreServices, type CsvEncoding, type WorkspaceContext } from "@siyu/core";

export const IMPORT_USAGE = `  import profiles|orders|events --file F.csv --workspace ID|SLUG [--errors-csv OUT.csv] [--encoding utf-8|gb18030] [--header col1,col2,…]
                                Import a CSV file with a progress bar; prints a report of accepted,
                                duplicate and rejected rows (re-importing a file adds nothing)`;

/** How many errors the printed report lists; --errors-csv writes every one. */
const PRINTED_ERRORS = 20;

export interface CliOutput {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

type WithServices = <T>(work: (services: CoreServices) => Promise<T>) => Promise<T>;

class ImportArgumentError extends Error {}

/**
 * `siyu import profiles|orders|events --file F.csv --workspace ID|SLUG`. Streams the
 * file through the imports service, draws progress on stderr per batch, then
 * runs the profile projector to the end so that profiles are current when it
 * exits. Exit 0 once the file was read, even with row errors; 2 for bad arguments
 * or a file whose header cannot be imported.
 */
export async function runImportCommand(args: string[], withServices: WithServices, out: CliOutput = process): Promise<number> {
  let parsed;
  try {
    parsed = parseImportArgs(args);
  } catch (error) {
    if (error instanceof ImportArgumentError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      out.stderr.write(`${(error as Error).message}\n\nUsage:\n${IMPORT_USAGE}\n`);
      return 2;
    }
    throw error;
  }
  const { kind, file, size, workspaceRef, errorsCsv, encoding, header } = parsed;
  try {
    return await withServices(async (services) => {
      const workspace = (await services.workspaces.findBySlug(workspaceRef)) ?? (await services.workspaces.get(workspaceRef));
      const ctx: WorkspaceContext = { workspaceId: workspace.id, actor: { type: "system", id: null, name: "cli" }, storeIds: null, ip: null };
      let bytesRead = 0;
      async function* counted() {
        // Small reads keep the percentage (by bytes read) close to the rows actually imported.
        for await (const chunk of createReadStream(file, { highWaterMark: 16 * 1024 }) as AsyncIterable<Buffer>) {
          bytesRead += chunk.length;
          yield chunk;
        }
      }
      const bar = progressBar(out.stderr, size);
      const report = await services.imports.importCsv(ctx, kind, decodeCsvStream(counted(), encoding), {
        fileName: basename(file),
        header,
        maxReportedErrors: errorsCsv ? Number.POSITIVE_INFINITY : PRINTED_ERRORS,
        onProgress: (p) => bar.update(bytesRead, p.rows),
      });
      bar.finish(report.rows);

      out.stderr.write("Updating profiles…\n");
      let projected = 0;
      for (let n = await services.projectNextBatch(); n > 0; n = await services.projectNextBatch()) projected += n;
      out.stderr.write(`Profiles up to date (${projected.toLocaleString("en-US")} events projected).\n`);

      if (errorsCsv) {
        const lines = [formatCsvRow(["line", "field", "reason"]), ...report.errors.map((e) => formatCsvRow([String(e.line), e.field, e.reason]))];
        // With a byte-order mark, Excel opens the UTF-8 file with its Chinese intact.
        writeFileSync(errorsCsv, `\uFEFF${lines.join("\r\n")}\r\n`);
      }
      out.stdout.write(formatReport(report, { file: basename(file), workspace: workspace.name, errorsCsv }));
      return 0;
    });
  } catch (error) {
    if (error instanceof DomainError && error.status < 500) {
      out.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function parseImportArgs(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      file: { type: "string" },
      workspace: { type: "string" },
      "errors-csv": { type: "string" },
      encoding: { type: "string" },
      header: { type: "string" },
    },
  });
  const problems: string[] = [];
  const [kind, ...extra] = positionals;
  if (!kind || !(IMPORT_KINDS as readonly string[]).includes(kind)) problems.push(`import: say what the file holds: ${IMPORT_KINDS.join(" or ")}`);
  if (extra.length) problems.push(`import: unexpected argument ${extra.join(" ")}`);
  let size = 0;
  if (!values.file) problems.push("--file: the CSV file to import is required");
  else {
    try {
      const stat = statSync(values.file);
      if (!stat.isFile()) problems.push(`--file: ${values.file} is not a file`);
      size = stat.size;
    } catch {
      problems.push(`--file: cannot read ${values.file}`);
    }
  }
  if (!values.workspace) problems.push("--workspace: the workspace id or slug is required");
  let encoding: CsvEncoding | null = null;
  if (values.encoding !== undefined) {
    encoding = csvEncodingOf(values.encoding);
    if (!encoding) problems.push("--encoding: utf-8 or gb18030");
  }
  if (problems.length) throw new ImportArgumentError(problems.join("\n"));
  return { kind: kind as ImportKind, file: values.file!, size, workspaceRef: values.workspace!, errorsCsv: values["errors-csv"], encoding, header: values.header?.split(",").map((c) => c.trim()) };
}

/** One line on stderr redrawn per batch on a terminal (a line per batch when piped): bytes read, rows, rows/s. */
function progressBar(stream: CliOutput["stderr"], totalBytes: number) {
  const tty = stream.isTTY === true;
  const started = performance.now();
  let last = { rows: -1, ratio: 0 };
  const draw = (ratio: number, rows: number, done: boolean) => {
    const width = 30;
    const filled = Math.floor(ratio * width);
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(rows / seconds) : 0;
    const line =
      `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)}%  ` +
      `${rows.toLocaleString("en-US")} rows  ${rate.toLocaleString("en-US")} rows/s`;
    stream.write(tty ? `\r\x1b[2K${line}${done ? "\n" : ""}` : `${line}\n`);
    last = { rows, ratio };
  };
  return {
    update: (bytes: number, rows: number) => draw(totalBytes === 0 ? 1 : Math.min(1, bytes / totalBytes), rows, false),
    finish: (rows: number) => {
      // Piped output already ends with the last batch's line when that one was complete.
      if (tty || last.rows !== rows || last.ratio < 1) draw(1, rows, true);
    },
  };
}

function formatReport(report: ImportReportDto, where: { file: string; workspace: string; errorsCsv: string | undefined }): string {
  const n = (v: number) => v.toLocaleString("en-US").padStart(10);
  const lines = [
    `Imported ${report.kind} from ${where.file} into ${where.workspace}:`,
    `  rows       ${n(report.rows)}`,
    `  accepted   ${n(report.accepted)}`,
    `  duplicates ${n(report.duplicates)}`,
    `  rejected   ${n(report.rejected)}`,
  ];
  const total = report.errors.length + report.errorsOmitted;
  if (total > 0) {
    const shown = report.errors.slice(0, PRINTED_ERRORS);
    lines.push(`Errors (${shown.length < total ? `first ${shown.length} of ${total}` : total}):`);
    for (const e of shown) lines.push(`  line ${e.line}, ${e.field}: ${e.reason}`);
    if (where.errorsCsv) lines.push(`All ${total} errors written to ${where.errorsCsv}.`);
    else if (shown.length < total) lines.push(`Use --errors-csv FILE to write all ${total} errors.`);
  }
  return `${lines.join("\n")}\n`;
}
