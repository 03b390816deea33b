import type { ImportRowError } from "@siyu/contracts";
import { formatCsv } from "../../lib/csv-format";

/** The report's row errors as a file to fix the source by: `line,field,reason`, as the CLI's `--errors-csv` writes it. */
export function importErrorsCsv(errors: readonly ImportRowError[]): string {
  return formatCsv([["line", "field", "reason"], ...errors.map((e) => [e.line, e.field, e.reason])]);
}

/** `members.csv` → `members.errors.csv`. */
export function importErrorsFileName(fileName: string): string {
  const base = fileName.replace(/\.csv$/i, "").trim() || "import";
  return `${base}.errors.csv`;
}
