import { describe, expect, it } from "vitest";
import { formatPhone } from "./format-phone";

describe("formatPhone", () => {
  it("groups Chinese mobiles 3-4-4 without the country code at home", () => {
    expect(formatPhone("+8613800138000")).toBe("138 0013 8000");
    expect(formatPhone("+8613800138000", "1")).toBe("+86 138 0013 8000");
  });

  it("shows other numbers in full", () => {
    expect(formatPhone("+85291234567")).toBe("+85291234567");
    expect(formatPhone("+861087654321")).toBe("+86 1087654321");
    expect(formatPhone("+12025550123", "1")).toBe("+1 2025550123");
  });

  it("shows what it cannot read as it came, and a dash for none", () => {
    expect(formatPhone("138-0013-8000")).toBe("138-0013-8000");
    expect(formatPhone(null)).toBe("—");
    expect(formatPhone("")).toBe("—");
  });
});
