import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAmount, parseCalendarDate, parseDateTime, parseGender } from "./row-values";

const iso = (raw: string, tz = "Asia/Shanghai") => {
  const result = parseDateTime(raw, tz);
  return "value" in result ? result.value.toISOString() : result.error;
};

describe("cell readers", () => {
  it("reads date-times with an offset as given and without one in the workspace's time zone", () => {
    expect(iso("2026-11-01T08:00:00Z")).toBe("2026-11-01T08:00:00.000Z");
    expect(iso("2026-11-01 08:00:00+0800")).toBe("2026-11-01T00:00:00.000Z");
    expect(iso("2026-11-01 08:00")).toBe("2026-11-01T00:00:00.000Z");
    expect(iso("2026-11-01T08:00:30.5")).toBe("2026-11-01T00:00:30.500Z");
    expect(iso("2026/11/1")).toBe("2026-10-31T16:00:00.000Z");
    expect(iso("20261101")).toBe("2026-10-31T16:00:00.000Z");
    expect(iso("2026年11月1日 8:00")).toBe("2026-11-01T00:00:00.000Z");
    expect(iso("1793491200")).toBe("2026-11-01T00:00:00.000Z");
    expect(iso("2026-07-01 12:00", "America/New_York")).toBe("2026-07-01T16:00:00.000Z");
    expect(iso("2026-12-01 12:00", "America/New_York")).toBe("2026-12-01T17:00:00.000Z");
  });

  it("names what is wrong with a date-time", () => {
    expect(iso("2026-02-30")).toBe("is not a real date (2026-02-30)");
    expect(iso("2026-11-01 24:10")).toBe("is not a real time of day (2026-11-01 24:10)");
    expect(iso("01/11/2026")).toMatch(/^is not a date-time/);
    expect(iso("2026-13-01T00:00:00Z")).toBe("is not a real date (2026-13-01)");
  });

  it("reads a time repeated by a DST change as its first occurrence, and a skipped one with the earlier offset", () => {
    expect(iso("2006-10-29 02:00", "Europe/Berlin")).toBe("2006-10-29T00:00:00.000Z");
    expect(iso("2006-10-29 02:59:59", "Europe/Berlin")).toBe("2006-10-29T00:59:59.000Z");
    expect(iso("2006-10-29 03:00", "Europe/Berlin")).toBe("2006-10-29T02:00:00.000Z");
    expect(iso("2026-03-29 02:30", "Europe/Berlin")).toBe("2026-03-29T01:30:00.000Z");
    expect(iso("2026-11-01 01:30", "America/New_York")).toBe("2026-11-01T05:30:00.000Z");
  });

  it("agrees with the platform for every wall-clock time in a zone with DST", () => {
    fc.assert(
      fc.property(fc.oneof(
          fc.date({ min: new Date("1990-01-01T00:00:00Z"), max: new Date("2040-01-01T00:00:00Z"), noInvalidDate: true }),
          // The nights of the changes, where a naive conversion goes wrong.
          fc.integer({ min: 0, max: 4 * 3600 - 1 }).chain((s) =>
            fc.constantFrom("2006-10-28T23:00:00Z", "2026-03-28T23:00:00Z", "2026-10-24T23:00:00Z").map((d) => new Date(Date.parse(d) + s * 1000)),
          ),
        ), (at) => {
        const wall = new Intl.DateTimeFormat("sv-SE", { timeZone: "Europe/Berlin", dateStyle: "short", timeStyle: "medium" }).format(at);
        const back = parseDateTime(wall, "Europe/Berlin");
        expect("value" in back).toBe(true);
        const ms = "value" in back ? back.value.getTime() : 0;
        // A repeated hour at the autumn change reads as its first occurrence.
        expect([0, 3_600_000]).toContain(Math.floor(at.getTime() / 1000) * 1000 - ms);
      }),
      { numRuns: 1000 },
    );
  });

  it("reads amounts ≥ 0 with at most the currency's decimals", () => {
    expect(parseAmount("18.5", 2)).toEqual({ value: 18.5 });
    expect(parseAmount("1,234.50", 2)).toEqual({ value: 1234.5 });
    expect(parseAmount("0", 2)).toEqual({ value: 0 });
    expect(parseAmount("-1", 2)).toEqual({ error: "must be ≥ 0" });
    expect(parseAmount("1.005", 2)).toEqual({ error: "has more than 2 decimals" });
    expect(parseAmount("100.5", 0)).toEqual({ error: "must be a whole number in this currency" });
    expect(parseAmount("¥18", 2)).toEqual({ error: "is not a decimal number such as 18.50" });
    expect(parseAmount("1,23", 2)).toEqual({ error: "is not a decimal number such as 18.50" });
  });

  it("reads gender in English and Chinese and birthdays as YYYY-MM-DD", () => {
    expect(["男", "F", "female", "未知", "x"].map((g) => parseGender(g))).toEqual([
      { value: "male" },
      { value: "female" },
      { value: "female" },
      { value: "unknown" },
      { error: "must be male, female or unknown (男/女)" },
    ]);
    const today = new Date("2026-11-05T00:00:00Z");
    expect(parseCalendarDate("1990/5/6", today)).toEqual({ value: "1990-05-06" });
    expect(parseCalendarDate("1990年5月6日", today)).toEqual({ value: "1990-05-06" });
    expect(parseCalendarDate("2027-01-01", today)).toEqual({ error: "is in the future" });
    expect(parseCalendarDate("05-06", today)).toEqual({ error: "is not a date: write YYYY-MM-DD" });
  });
});
