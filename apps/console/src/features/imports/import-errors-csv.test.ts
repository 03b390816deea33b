import { describe, expect, it } from "vitest";
import { UTF8_BOM } from "../../lib/csv-format";
import { importErrorsCsv, importErrorsFileName } from "./import-errors-csv";

describe("importErrorsCsv", () => {
  it("writes a header and one row per error", () => {
    expect(importErrorsCsv([{ line: 5, field: "phone", reason: "is not a phone number" }])).toBe(
      `${UTF8_BOM}line,field,reason\r\n5,phone,is not a phone number\r\n`,
    );
  });

  it("quotes reasons with commas, quotes and line breaks", () => {
    const csv = importErrorsCsv([
      { line: 3, field: "ordered_at", reason: 'is not a date-time: "2026/13/01, 08:00"' },
      { line: 7, field: "row", reason: "text after a closing quote\nat column 4" },
    ]);
    expect(csv.split("\r\n")).toEqual([
      `${UTF8_BOM}line,field,reason`,
      '3,ordered_at,"is not a date-time: ""2026/13/01, 08:00"""',
      '7,row,"text after a closing quote\nat column 4"',
      "",
    ]);
  });

  it("is just the header when there are no errors", () => {
    expect(importErrorsCsv([])).toBe(`${UTF8_BOM}line,field,reason\r\n`);
  });

  it("defuses header names that a spreadsheet would run", () => {
    expect(importErrorsCsv([{ line: 2, field: "=cmd", reason: "x" }])).toContain("2,'=cmd,x");
  });
});

describe("importErrorsFileName", () => {
  it("names the file after the upload", () => {
    expect(importErrorsFileName("members.csv")).toBe("members.errors.csv");
    expect(importErrorsFileName("会员 2026.CSV")).toBe("会员 2026.errors.csv");
    expect(importErrorsFileName("export.txt")).toBe("export.txt.errors.csv");
    expect(importErrorsFileName(".csv")).toBe("import.errors.csv");
  });
});
