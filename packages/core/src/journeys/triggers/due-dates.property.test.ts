import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addLocalDays } from "../../shared/local-time";
import { throttledDueAt } from "../../broadcasts";
import { dueDates } from "./clock-triggers";

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysOf = (year: number) => Array.from({ length: isLeap(year) ? 366 : 365 }, (_, i) => addLocalDays(`${year}-01-01`, i));
const monthDay = fc.integer({ min: 0, max: 365 }).map((i) => addLocalDays("2024-01-01", i).slice(5)); // every MM-DD, 29 Feb included

describe("date trait due dates (properties)", () => {
  it("every anniversary is due exactly once a year, whatever the offset; 29 February on 28 February in other years", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1901, max: 2099 }), monthDay, fc.integer({ min: -60, max: 60 }), (year, md, offsetDays) => {
        const due = daysOf(year).filter((day) => {
          const d = dueDates(day, { anniversary: true, offsetDays });
          return "monthDays" in d && d.monthDays.includes(md);
        });
        expect(due).toHaveLength(1);
        // Due `offsetDays` after the anniversary (in the year the anniversary falls).
        const anniversary = addLocalDays(due[0]!, -offsetDays);
        expect(anniversary.slice(5)).toBe(md === "02-29" && !isLeap(Number(anniversary.slice(0, 4))) ? "02-28" : md);
      }),
      { numRuns: 200 },
    );
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
