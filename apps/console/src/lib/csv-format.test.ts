import { describe, expect, it } from "vitest";
import { UTF8_BOM, formatCsv, formatCsvCell } from "./csv-format";

describe("formatCsvCell", () => {
  it("leaves plain text and numbers alone", () => {
    expect(formatCsvCell("phone")).toBe("phone");
    expect(formatCsvCell("张伟")).toBe("张伟");
    expect(formatCsvCell(12)).toBe("12");
    expect(formatCsvCell("")).toBe("");
  });

  it("quotes commas, quotes, line breaks and surrounding spaces", () => {
    expect(formatCsvCell("a,b")).toBe('"a,b"');
    expect(formatCsvCell('say "hi"')).toBe('"say ""hi"""');
    expect(formatCsvCell("two\nlines")).toBe('"two\nlines"');
    expect(formatCsvCell("cr\r\nlf")).toBe('"cr\r\nlf"');
    expect(formatCsvCell(" padded")).toBe('" padded"');
  });

  it("defuses cells a spreadsheet would run as formulas", () => {
    expect(formatCsvCell("=HYPERLINK(\"x\")")).toBe("\"'=HYPERLINK(\"\"x\"\")\"");
    expect(formatCsvCell("+86 138")).toBe("'+86 138");
    expect(formatCsvCell("-1")).toBe("'-1");
    expect(formatCsvCell("@sum")).toBe("'@sum");
    expect(formatCsvCell(-1)).toBe("-1");
  });
});

describe("formatCsv", () => {
  it("starts with a BOM and ends every row with CRLF", () => {
    expect(formatCsv([["a", "b"], [1, "x,y"]])).toBe(`${UTF8_BOM}a,b\r\n1,"x,y"\r\n`);
  });

  it("writes only the BOM for no rows", () => {
    expect(formatCsv([])).toBe(UTF8_BOM);
  });
});
