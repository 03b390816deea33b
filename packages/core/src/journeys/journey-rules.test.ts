import { describe, expect, it } from "vitest";
import { filtersMatch, nextLocalTime } from "./journey-rules";

describe("waits until a local time", () => {
  it("Asia/Shanghai: today if still ahead, else tomorrow; weekdays", () => {
    // 2026-07-08 is a Wednesday; 09:00 local = 01:00Z.
    expect(nextLocalTime(new Date("2026-07-08T00:30:00Z"), "09:00", [], "Asia/Shanghai").toISOString()).toBe("2026-07-08T01:00:00.000Z");
    expect(nextLocalTime(new Date("2026-07-08T01:00:00Z"), "09:00", [], "Asia/Shanghai").toISOString()).toBe("2026-07-09T01:00:00.000Z");
    // Next Monday (1).
    expect(nextLocalTime(new Date("2026-07-08T04:00:00Z"), "10:00", [1], "Asia/Shanghai").toISOString()).toBe("2026-07-13T02:00:00.000Z");
  });
  it("America/New_York across the DST changes keeps the wall-clock time", () => {
    // Spring forward: 2026-03-08 02:00 → 03:00. 10:00 EST on the 7th is 15:00Z; 10:00 EDT on the 8th is 14:00Z.
    expect(nextLocalTime(new Date("2026-03-07T16:00:00Z"), "10:00", [], "America/New_York").toISOString()).toBe("2026-03-08T14:00:00.000Z");
    // Fall back: 2026-11-01 02:00 → 01:00. 10:00 EDT on Oct 31 is 14:00Z; 10:00 EST on Nov 1 is 15:00Z.
    expect(nextLocalTime(new Date("2026-10-31T15:00:00Z"), "10:00", [], "America/New_York").toISOString()).toBe("2026-11-01T15:00:00.000Z");
    // A time in the skipped hour lands in the hour after the gap (never in the past).
    const gap = nextLocalTime(new Date("2026-03-08T05:00:00Z"), "02:30", [], "America/New_York");
    expect(gap.getTime()).toBeGreaterThan(new Date("2026-03-08T05:00:00Z").getTime());
    expect(gap.getTime()).toBeLessThan(new Date("2026-03-08T08:00:00Z").getTime());
  });
});

describe("event filters", () => {
  it("compare by type; missing values fail", () => {
    const p = { total: 250, sku: "TEA-1", vip: true };
    expect(filtersMatch(p, [{ property: "total", op: "gte", value: 200 }])).toBe(true);
    expect(filtersMatch(p, [{ property: "total", op: "gte", value: 300 }])).toBe(false);
    expect(filtersMatch(p, [{ property: "sku", op: "in", value: ["TEA-1", "TEA-2"] }])).toBe(true);
    expect(filtersMatch(p, [{ property: "sku", op: "starts_with", value: "TEA" }, { property: "vip", op: "eq", value: true }])).toBe(true);
    expect(filtersMatch(p, [{ property: "missing", op: "neq", value: "x" }])).toBe(false);
    expect(filtersMatch(p, [{ property: "missing", op: "not_exists" }])).toBe(true);
    expect(filtersMatch(p, [{ property: "total", op: "between", value: [100, 300] }])).toBe(true);
  });
});
