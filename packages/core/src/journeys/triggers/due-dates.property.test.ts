import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addLocalDays } from "../../shared/local-time";
import { throttledDueAt } from "../../broadcasts";
import { dueDates } from "./clock-triggers";

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
// Every MM-DD, 29 Feb included; the days around a year's ends drawn often, not once in 366.
const monthDay = fc.oneof(
  fc.constantFrom("02-28", "02-29", "03-01", "12-31", "01-01"),
  fc.integer({ min: 0, max: 365 }).map((i) => addLocalDays("2024-01-01", i).slice(5)),
);

describe("date trait due dates (properties)", () => {
  it("every anniversary is due exactly once, offsetDays after it; 29 February on 28 February in other years", () => {
    // Anniversaries are a year apart, so within 180 days either side of one's due day no other is due.
    // (Not "once per calendar year": an offset can carry a due day across New Year, so a year around a
    // leap day may hold two or none.)
    fc.assert(
      fc.property(fc.integer({ min: 1901, max: 2099 }), monthDay, fc.integer({ min: -60, max: 60 }), (year, md, offsetDays) => {
        const anniversary = md === "02-29" && !isLeap(year) ? `${year}-02-28` : `${year}-${md}`;
        const expected = addLocalDays(anniversary, offsetDays);
        const due = Array.from({ length: 361 }, (_, i) => addLocalDays(expected, i - 180)).filter((day) => {
          const d = dueDates(day, { anniversary: true, offsetDays });
          return "monthDays" in d && d.monthDays.includes(md);
        });
        expect(due).toEqual([expected]);
      }),
      { numRuns: 300 },
    );
  });

  it("an anniversary moved across New Year by its offset is still due once per anniversary (1951-03-01, 60 days early)", () => {
    const dueIn = (from: string, days: number) =>
      Array.from({ length: days }, (_, i) => addLocalDays(from, i)).filter((day) => {
        const d = dueDates(day, { anniversary: true, offsetDays: -60 });
        return "monthDays" in d && d.monthDays.includes("03-01");
      });
    // 1952 is a leap year: 1951-03-01's reminder falls on 1950-12-31, 1952-03-01's on 1952-01-01.
    expect(dueIn("1950-12-01", 800)).toEqual(["1950-12-31", "1952-01-01", "1952-12-31"]);
  });

  it("a date (not an anniversary) is due once ever, offsetDays after it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: -60, max: 60 }), (n, offsetDays) => {
        const date = addLocalDays("1950-01-01", n);
        expect(dueDates(addLocalDays(date, offsetDays), { anniversary: false, offsetDays })).toEqual({ date });
      }),
    );
  });
});

describe("broadcast throttle (properties)", () => {
  it("due times never decrease and no minute holds more than perMinute messages", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 1, max: 3000 }), (perMinute, count) => {
        const base = new Date("2026-05-01T00:00:00Z");
        const due = Array.from({ length: count }, (_, i) => throttledDueAt(base, i, perMinute).getTime() - base.getTime());
        const perBucket = new Map<number, number>();
        due.forEach((t, i) => {
          if (i > 0) expect(t).toBeGreaterThanOrEqual(due[i - 1]!);
          const minute = Math.floor(t / 60_000);
          perBucket.set(minute, (perBucket.get(minute) ?? 0) + 1);
        });
        expect(Math.max(...perBucket.values())).toBeLessThanOrEqual(perMinute);
        // The last message goes out within the time the throttle needs, not later.
        expect(due.at(-1)!).toBeLessThan(Math.ceil(count / perMinute) * 60_000);
      }),
      { numRuns: 100 },
    );
  });
});
