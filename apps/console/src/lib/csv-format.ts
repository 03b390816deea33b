/** A UTF-8 byte-order mark: without it, Excel on a Chinese Windows reads a UTF-8 file as GBK. */
export const UTF8_BOM = "\uFEFF";

/** Characters that make a spreadsheet read a cell as a formula ("CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote, a line break or
 * surrounding spaces, with quotes doubled. Text that a spreadsheet would run as a
 * formula gets a leading apostrophe, since error reasons echo the file's own cells.
 */
export function formatCsvCell(value: string | number): string {
  if (typeof value === "number") return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole file: CRLF line ends (what Excel writes) and a BOM, so Excel opens Chinese text correctly. */
export function formatCsv(rows: readonly (readonly (string | number)[])[]): string {
  return UTF8_BOM + rows.map((row) => row.map(formatCsvCell).join(",") + "\r\n").join("");
}
