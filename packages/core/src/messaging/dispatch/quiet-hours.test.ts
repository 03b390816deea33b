import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { localParts } from "../../shared/local-time";
import { quietHoursEnd, zonedTime } from "./quiet-hours";

const ZONES = ["Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Sydney"];
const hhmm = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
const minuteOf = (at: Date, zone: string) => {
  const p = localParts(at, zone);
  return p.hour * 60 + p.minute;
};
const mins = (s: string) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3));

describe("quiet hours", () => {
  it("across midnight: 22:00 in Shanghai ends at 09:00 the next local day; 08:00 ends the same day; noon is outside", () => {
    const w = { start: "21:00", end: "09:00" };
    expect(quietHoursEnd(new Date("2026-11-02T14:00:00Z"), w, "Asia/Shanghai")?.toISOString()).toBe("2026-11-03T01:00:00.000Z");
    expect(quietHoursEnd(new Date("2026-11-03T00:00:00Z"), w, "Asia/Shanghai")?.toISOString()).toBe("2026-11-03T01:00:00.000Z");
    expect(quietHoursEnd(new Date("2026-11-03T04:00:00Z"), w, "Asia/Shanghai")).toBeNull();
  });

  it("end at the wall-clock time across both DST changes in New York", () => {
    const w = { start: "21:00", end: "09:00" };
    expect(quietHoursEnd(new Date("2026-03-08T02:00:00Z"), w, "America/New_York")?.toISOString()).toBe("2026-03-08T13:00:00.000Z");
    expect(quietHoursEnd(new Date("2026-11-01T01:00:00Z"), w, "America/New_York")?.toISOString()).toBe("2026-11-01T14:00:00.000Z");
  });

  it("a wall time skipped by the spring change falls just after the gap", () => {
    expect(zonedTime("2026-03-08", "02:30", "America/New_York").toISOString()).toBe("2026-03-08T07:30:00.000Z");
    expect(localParts(zonedTime("2026-03-08", "02:30", "America/New_York"), "America/New_York").hour).toBe(3);
  });

  it("property: held exactly when the local time is inside the window, until the next local end, within a day", () => {
    fc.assert(
      fc.property(fc.date({ min: new Date("2025-01-01T00:00:00Z"), max: new Date("2027-12-31T00:00:00Z"), noInvalidDate: true }), fc.constantFrom(...ZONES), hhmm, hhmm, (now, zone, start, end) => {
        fc.pre(start !== end);
        const at = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
        const m = minuteOf(at, zone);
        const inside = mins(start) < mins(end) ? m >= mins(start) && m < mins(end) : m >= mins(start) || m < mins(end);
        const until = quietHoursEnd(at, { start, end }, zone);
        expect(until !== null).toBe(inside);
        if (until) {
          expect(until.getTime()).toBeGreaterThan(at.getTime());
          expect(until.getTime() - at.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
          // The end's wall time, unless DST skipped it (then just after the gap).
          const e = minuteOf(until, zone);
          expect(e === mins(end) || e === mins(end) + 60 || e === mins(end) + 30).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
