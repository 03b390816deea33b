import { describe, expect, it } from "vitest";
import { formatMinorUnits, minorUnitDigits } from "./format-money";

describe("formatMinorUnits", () => {
  it("shows fen as yuan with the narrow symbol in both languages", () => {
    expect(formatMinorUnits(1850, "CNY", "en")).toBe("¥18.50");
    expect(formatMinorUnits(1850, "CNY", "zh-CN")).toBe("¥18.50");
    expect(formatMinorUnits(123456789, "CNY", "en")).toBe("¥1,234,567.89");
    expect(formatMinorUnits(0, "CNY", "en")).toBe("¥0.00");
  });

  it("follows each currency's minor unit", () => {
    expect(formatMinorUnits(1850, "JPY", "en")).toBe("¥1,850");
    expect(formatMinorUnits(1850, "USD", "en")).toBe("$18.50");
    expect(formatMinorUnits(1850, "KWD", "en")).toMatch(/1\.850/);
    expect(minorUnitDigits("CNY")).toBe(2);
    expect(minorUnitDigits("JPY")).toBe(0);
  });

  it("keeps the sign of refunds", () => {
    expect(formatMinorUnits(-1850, "CNY", "en")).toBe("-¥18.50");
  });

  it("shows a dash for no amount and the code for an unknown currency", () => {
    expect(formatMinorUnits(null, "CNY")).toBe("—");
    expect(formatMinorUnits(undefined, "CNY")).toBe("—");
    expect(formatMinorUnits(1850, "??", "en")).toBe("18.50 ??");
  });
});
