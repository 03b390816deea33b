import { describe, expect, it } from "vitest";
import { isoTime } from "./iso-time";

describe("isoTime", () => {
  it("formats a Date and the database's text of the same instant alike, again and again", () => {
    const at = new Date("2026-12-01T17:08:33.123Z");
    for (let i = 0; i < 3; i++) {
      expect(isoTime(at)).toBe("2026-12-01T17:08:33.123Z");
      expect(isoTime("2026-12-01 17:08:33.123+00")).toBe("2026-12-01T17:08:33.123Z");
      expect(isoTime("2026-12-02 01:08:33.123+08")).toBe("2026-12-01T17:08:33.123Z");
    }
  });

  it("answers each instant by its own value, beyond what it keeps", () => {
    for (let i = 0; i < 3_000; i++) {
      const at = new Date(Date.UTC(2026, 0, 1) + i * 1_000);
      expect(isoTime(at)).toBe(at.toISOString());
    }
  });

  it("refuses an invalid date as toISOString does", () => {
    expect(() => isoTime(new Date(Number.NaN))).toThrow(RangeError);
    expect(() => isoTime("not a time")).toThrow(RangeError);
  });
});
