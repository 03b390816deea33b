import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CsvParser, formatCsvRow, parseCsv, readCsvRecords } from "./csv-parser";
import { decodeCsvBytes, decodeCsvStream, detectCsvEncoding } from "./csv-encoding";

const rows = (text: string) => parseCsv(text).map((r) => r.fields);

/** Parses text fed in the given pieces, so chunk boundaries land anywhere. */
function parseInPieces(text: string, cuts: number[]) {
  const parser = new CsvParser();
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out = [];
  let from = 0;
  for (const at of [...points, text.length]) {
    out.push(...parser.push(text.slice(from, at)));
    from = at;
  }
  return [...out, ...parser.end()];
}

describe("CSV parser", () => {
  it("reads plain fields, quoted fields with commas, line breaks and doubled quotes", () => {
    expect(rows('a,b,c\n1,"x, y","say ""hi"""\n2,"two\nlines",\n')).toEqual([
      ["a", "b", "c"],
      ["1", "x, y", 'say "hi"'],
      ["2", "two\nlines", ""],
    ]);
  });

  it("accepts CRLF, LF and lone CR line ends and a last line without one", () => {
    expect(rows("a,b\r\n1,2\r\n3,4")).toEqual([["a", "b"], ["1", "2"], ["3", "4"]]);
    expect(rows("a,b\r1,2\r")).toEqual([["a", "b"], ["1", "2"]]);
    expect(rows('a\r\n"x\r\ny"\r\n')).toEqual([["a"], ["x\r\ny"]]);
  });

  it("drops a leading byte-order mark, and only that one", () => {
    expect(rows("\uFEFFuser_id,phone\n1,2")).toEqual([["user_id", "phone"], ["1", "2"]]);
    expect(rows('"\uFEFFkept"')).toEqual([["\uFEFFkept"]]);
  });

  it("skips empty lines and numbers records by the line they start on", () => {
    const records = parseCsv('h1,h2\n\n1,"a\nb"\r\n\r\n2,c\n\n');
    expect(records).toEqual([
      { line: 1, fields: ["h1", "h2"] },
      { line: 3, fields: ["1", "a\nb"] },
      { line: 6, fields: ["2", "c"] },
    ]);
  });

  it("keeps a stray quote inside an unquoted field as text", () => {
    expect(rows('size,5" screen\n')).toEqual([["size", '5" screen']]);
  });

  it("names a malformed record instead of failing the file", () => {
    const [bad, good] = parseCsv('"ab"c,1\nok,2\n');
    expect(bad).toMatchObject({ line: 1, fields: ["abc", "1"], problem: "text after the closing quote of column 1" });
    expect(good).toEqual({ line: 2, fields: ["ok", "2"] });
    const [open] = parseCsv('1,"never closed\n2,3\n');
    expect(open).toMatchObject({ line: 1, problem: "the quote opened in column 2 is never closed" });
  });

  it("gives the same records however the text is cut into chunks", () => {
    const text = '\uFEFFa,"b ""q"""\r\n1,"x\r\ny"\r\n\r\n2,3\r4,"5"\n';
    const whole = parseCsv(text);
    fc.assert(
      fc.property(fc.array(fc.nat({ max: text.length }), { maxLength: 8 }), (cuts) => {
        expect(parseInPieces(text, cuts)).toEqual(whole);
      }),
    );
  });

  it("round-trips random rows: rows → CSV → parse gives the same rows", () => {
    const field = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r", " ", "\uFEFF", "茶", "é"), maxLength: 8 }),
    );
    const row = fc.array(field, { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 20 }), fc.constantFrom("\n", "\r\n"), fc.boolean(), fc.array(fc.nat(), { maxLength: 5 }), (input, eol, trailing, cuts) => {
        const text = input.map(formatCsvRow).join(eol) + (trailing && input.length > 0 ? eol : "");
        expect(parseInPieces(text, cuts).map((r) => r.fields)).toEqual(input);
        expect(parseCsv(text).every((r) => r.problem === undefined)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it("streams records from async chunks", async () => {
    async function* chunks() {
      yield "a,b\n1,";
      yield '"2\n';
      yield '3"\n';
    }
    const out = [];
    for await (const record of readCsvRecords(chunks())) out.push(record);
    expect(out).toEqual([
      { line: 1, fields: ["a", "b"] },
      { line: 2, fields: ["1", "2\n3"] },
    ]);
  });
});

describe("CSV encodings", () => {
  const gb = Buffer.from([0xd0, 0xd5, 0xc3, 0xfb, 0x2c, 0xc4, 0xd0, 0x0a]); // "姓名,男\n" in GB18030

  it("reads UTF-8 (without its BOM) and falls back to GB18030 for Excel's Chinese CSV", () => {
    expect(decodeCsvBytes(Buffer.from("\uFEFF姓名,男\n"))).toBe("姓名,男\n");
    expect(detectCsvEncoding(gb)).toBe("gb18030");
    expect(decodeCsvBytes(gb)).toBe("姓名,男\n");
    // A multi-byte character cut at the end of the sample is still UTF-8.
    expect(detectCsvEncoding(Buffer.from("茶").subarray(0, 2))).toBe("utf-8");
  });

  it("decodes a byte stream whose characters straddle chunks", async () => {
    const bytes = Buffer.from("名字,城市\n李娜,上海\n");
    async function* pieces() {
      for (let i = 0; i < bytes.length; i += 5) yield bytes.subarray(i, i + 5);
    }
    let text = "";
    for await (const chunk of decodeCsvStream(pieces())) text += chunk;
    expect(text).toBe("名字,城市\n李娜,上海\n");
  });
});
