import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AcquisitionCostDto } from "@siyu/contracts";
import { allocateCosts } from "./acquisition-costs";
import { daysOf, shiftDay } from "./kpi-period";

const at = "2026-03-01T00:00:00.000Z";
const cost = (amountMinor: number, from: string, to: string): AcquisitionCostDto => ({
  id: "0190a000-0000-7000-8000-000000000000",
  kind: "channel",
  key: "douyin",
  from,
  to,
  amountMinor,
  storeId: null,
  note: null,
  createdAt: at,
  updatedAt: at,
});
const total = (rows: AcquisitionCostDto[], from: string, to: string) => allocateCosts(rows, from, to).reduce((t, c) => t + c.amountMinor, 0);

describe("allocateCosts", () => {
  it("spreads a cost over its days in whole cents", () => {
    const rows = [cost(100, "2026-03-01", "2026-03-03")];
    expect(daysOf("2026-03-01", "2026-03-03").map((d) => total(rows, d, d))).toEqual([33, 33, 34]);
    expect(total([cost(3_000, "2026-03-01", "2026-03-30")], "2026-03-10", "2026-03-10")).toBe(100);
  });

  it("never gains or loses a cent: the days, any split of the range and the whole range agree", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: -10, max: 70 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 40 }),
        (amount, length, start, cut, span) => {
          const rows = [cost(amount, "2026-03-01", shiftDay("2026-03-01", length))];
          const from = shiftDay("2026-03-01", start);
          const to = shiftDay(from, span);
          const middle = shiftDay(from, Math.min(cut, span));
          const whole = total(rows, from, to);
          expect(Number.isInteger(whole)).toBe(true);
          expect(daysOf(from, to).reduce((t, d) => t + total(rows, d, d), 0)).toBe(whole);
          expect(total(rows, from, middle) + total(rows, shiftDay(middle, 1), to)).toBe(whole);
          expect(total(rows, "2026-01-01", "2026-12-31")).toBe(amount);
        },
      ),
    );
  });
});
