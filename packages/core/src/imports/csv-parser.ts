/**
 * An RFC 4180 CSV reader that works on chunks, so a file of any size is read in
 * constant memory: quoted fields (with commas, line breaks and doubled quotes),
 * CRLF, LF or lone CR line ends, and a leading byte-order mark.
 *
 * It is lenient where real exports are sloppy — a quote inside an unquoted field
 * is kept as text — and names the problem where data would be lost (text after a
 * closing quote, a quote never closed) instead of failing the whole file.
 */

/** One record, with the physical line it starts on (line 1 is the first line of the file). */
export interface CsvRecord {
  line: number;
  fields: string[];
  /** Set when the record is malformed; the importer reports it as a row error. */
  problem?: string;
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;

/** Where the reader is: at a field's start, inside an unquoted or a quoted field, just after a quote inside a quoted field (a doubled quote or the closing one), or just after a CR that ended a record (a following LF belongs to it). */
const FIELD_START = 0;
const UNQUOTED = 1;
const QUOTED = 2;
const QUOTE_IN_QUOTED = 3;
const AFTER_CR = 4;
type State = typeof FIELD_START | typeof UNQUOTED | typeof QUOTED | typeof QUOTE_IN_QUOTED | typeof AFTER_CR;

export class CsvParser {
  private state: State = FIELD_START;
  private fields: string[] = [];
  private field = "";
  private line = 1;
  private recordLine = 1;
  private problem: string | undefined;
  private started = false;
  /** A CR seen inside a quoted field, so that a following LF is not counted as a second line. */
  private crInQuoted = false;
  private first = true;

  /** Feeds the next piece of text; returns the records it completed. */
  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let i = 0;
    if (this.first && chunk.length > 0) {
      this.first = false;
      if (chunk.charCodeAt(0) === 0xfeff) i = 1;
    }
    const n = chunk.length;
    while (i < n) {
      const c = chunk.charCodeAt(i);
      switch (this.state) {
        case AFTER_CR:
          this.state = FIELD_START;
          if (c === LF) {
            i++;
            continue;
          }
          continue;
        case FIELD_START:
          if (!this.started) {
            // A physically empty line is no record.
            if (c === LF || c === CR) {
              this.line++;
              this.recordLine = this.line;
              if (c === CR) this.state = AFTER_CR;
              i++;
              continue;
            }
            this.started = true;
            this.recordLine = this.line;
          }
          if (c === QUOTE) {
            this.state = QUOTED;
            i++;
            continue;
          }
          this.state = UNQUOTED;
          continue;
        case UNQUOTED: {
          let j = i;
          while (j < n) {
            const d = chunk.charCodeAt(j);
            if (d === COMMA || d === LF || d === CR) break;
            j++;
          }
          this.field += chunk.slice(i, j);
          i = j;
          if (j === n) continue;
          i = this.delimit(chunk.charCodeAt(j), i, out);
          continue;
        }
        case QUOTED: {
          let j = i;
          while (j < n) {
            const d = chunk.charCodeAt(j);
            if (d === QUOTE) break;
            if (d === CR) {
              this.line++;
              this.crInQuoted = true;
            } else if (d === LF) {
              if (!this.crInQuoted) this.line++;
              this.crInQuoted = false;
            } else this.crInQuoted = false;
            j++;
          }
          this.field += chunk.slice(i, j);
          i = j;
          if (j < n) {
            this.crInQuoted = false;
            this.state = QUOTE_IN_QUOTED;
            i++;
          }
          continue;
        }
        case QUOTE_IN_QUOTED:
          if (c === QUOTE) {
            this.field += '"';
            this.state = QUOTED;
            i++;
            continue;
          }
          if (c === COMMA || c === LF || c === CR) {
            i = this.delimit(c, i, out);
            continue;
          }
          this.problem ??= `text after the closing quote of column ${this.fields.length + 1}`;
          this.state = UNQUOTED;
          continue;
      }
    }
    return out;
  }

  /** Ends the input; returns the last record if the text did not end with a line break. */
  end(): CsvRecord[] {
    if (this.state === QUOTED) this.problem ??= `the quote opened in column ${this.fields.length + 1} is never closed`;
    if (!this.started) return [];
    this.fields.push(this.field);
    const record = this.take();
    this.state = FIELD_START;
    return [record];
  }

  /** Handles a comma or line break that ends a field; returns the index after it. */
  private delimit(c: number, i: number, out: CsvRecord[]): number {
    this.fields.push(this.field);
    this.field = "";
    if (c === COMMA) {
      this.state = FIELD_START;
      return i + 1;
    }
    out.push(this.take());
    this.line++;
    this.recordLine = this.line;
    this.state = c === CR ? AFTER_CR : FIELD_START;
    return i + 1;
  }

  private take(): CsvRecord {
    const record: CsvRecord = { line: this.recordLine, fields: this.fields };
    if (this.problem) record.problem = this.problem;
    this.fields = [];
    this.field = "";
    this.problem = undefined;
    this.started = false;
    return record;
  }
}

/** Every record of a whole text. */
export function parseCsv(text: string): CsvRecord[] {
  const parser = new CsvParser();
  return [...parser.push(text), ...parser.end()];
}

/** Records of a stream of text chunks, as they complete. */
export async function* readCsvRecords(chunks: AsyncIterable<string> | Iterable<string>): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser();
  for await (const chunk of chunks) yield* parser.push(chunk);
  yield* parser.end();
}

/** A big string in slices, so that parsing it never holds all of its records at once. */
export function* sliceText(text: string, size = 64 * 1024): Generator<string> {
  for (let i = 0; i < text.length; i += size) yield text.slice(i, i + size);
}

/** One CSV line (without its line end), quoting only the fields that need it. */
export function formatCsvRow(fields: readonly string[]): string {
  // A lone empty field is written "" so that the row is not read back as a blank line.
  if (fields.length === 1 && fields[0] === "") return '""';
  return fields.map(formatCsvField).join(",");
}

function formatCsvField(value: string): string {
  if (/[",\r\n]/.test(value) || value.startsWith("\uFEFF")) return `"${value.replaceAll('"', '""')}"`;
  return value;
}
