import { ORDER_COLUMNS, PROFILE_IDENTIFIER_COLUMNS, PROFILE_TRAIT_COLUMNS } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { UTF8_BOM } from "../../lib/csv-format";
import { importColumnGroups, importColumns, importTemplateCsv, importTemplateFileName } from "./import-columns";

describe("importColumns", () => {
  it("lists every profiles column of the contract, with wechat_appid right after wechat_openid", () => {
    const columns = importColumns("profiles");
    for (const c of [...PROFILE_IDENTIFIER_COLUMNS, ...PROFILE_TRAIT_COLUMNS]) expect(columns).toContain(c);
    expect(columns[columns.indexOf("wechat_openid") + 1]).toBe("wechat_appid");
    expect(columns).toHaveLength(PROFILE_IDENTIFIER_COLUMNS.length + PROFILE_TRAIT_COLUMNS.length + 1);
    expect(new Set(columns).size).toBe(columns.length);
  });

  it("lists every orders column once, required ones first", () => {
    const columns = importColumns("orders");
    expect(new Set(columns)).toEqual(new Set(ORDER_COLUMNS));
    expect(columns).toHaveLength(ORDER_COLUMNS.length);
    expect(columns.slice(0, 3)).toEqual(["order_id", "total", "ordered_at"]);
  });

  it("groups orders columns by what a file needs", () => {
    const groups = importColumnGroups("orders");
    expect(groups.map((g) => g.role)).toEqual(["required", "customer", "optional"]);
    expect(groups[1]?.columns).toEqual(["user_id", "phone", "email"]);
    expect(groups[2]?.columns).toContain("product_name");
  });
});

describe("importTemplateCsv", () => {
  it("is the header alone, with a BOM and CRLF", () => {
    const csv = importTemplateCsv("profiles");
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv.endsWith("\r\n")).toBe(true);
    expect(csv.split("\r\n")).toHaveLength(2);
    expect(csv.slice(1, -2).split(",")).toEqual(importColumns("profiles"));
  });

  it("has the orders header for orders", () => {
    expect(importTemplateCsv("orders")).toBe(`${UTF8_BOM}${importColumns("orders").join(",")}\r\n`);
    expect(importTemplateFileName("orders")).toBe("siyu-orders-template.csv");
  });
});
