import { describe, expect, it } from "vitest";
import { datasetFile, CDNOW_SAMPLE, readCdnowSample } from "./testing/clv-datasets";
import { dayNumberOf, isoDateOf, summariseTransactions } from "./rfm-summary";

const day = (iso: string): number => dayNumberOf(iso)!;

describe("summariseTransactions", () => {
  it("merges same-day purchases, measures from the first purchase and ignores what follows the calibration end", () => {
    const [c] = summariseTransactions([
      { customerId: "c", day: day("2026-01-01"), amount: 10 },
      { customerId: "c", day: day("2026-01-01"), amount: 5 },
      { customerId: "c", day: day("2026-01-08"), amount: 20 },
      { customerId: "c", day: day("2026-01-08"), amount: 4 },
      { customerId: "c", day: day("2026-01-15"), amount: 30 },
      { customerId: "c", day: day("2026-02-01"), amount: 99 },
    ], day("2026-01-29"), "week");
    expect(c).toMatchObject({ customerId: "c", x: 2, tx: 2, T: 4, monetary: 27 });
  });
  it("gives one-time buyers x = 0, t_x = 0 and no monetary value; days as the unit", () => {
    const rows = summariseTransactions([
      { customerId: "a", day: day("2026-01-01"), amount: 10 },
      { customerId: "b", day: day("2026-01-20"), amount: 1 },
    ], day("2026-01-10"), "day");
    expect(rows).toEqual([{ customerId: "a", x: 0, tx: 0, T: 9, monetary: null, firstDay: day("2026-01-01"), lastDay: day("2026-01-01") }]);
  });
  it("reproduces the CDNOW calibration summary (2,357 customers, 946 repeaters, customer 1: x=2, t_x=30.43, T=38.86)", (ctx) => {
    const file = datasetFile(CDNOW_SAMPLE);
    if (!file) return ctx.skip();
    const rows = summariseTransactions(readCdnowSample(file), day("1997-09-30"), "week");
    expect(rows).toHaveLength(2357);
    expect(rows.filter((r) => r.x > 0)).toHaveLength(946);
    const first = rows.find((r) => r.customerId === "1")!;
    expect(first.x).toBe(2);
    expect(first.tx).toBeCloseTo(30.43, 2);
    expect(first.T).toBeCloseTo(38.86, 2);
  });
});

describe("dayNumberOf", () => {
  it("reads ISO and compact dates and rejects impossible ones", () => {
    expect(isoDateOf(dayNumberOf("1997-01-01")!)).toBe("1997-01-01");
    expect(dayNumberOf("19970930", "yyyyMMdd")).toBe(dayNumberOf("1997-09-30"));
    expect(dayNumberOf("1997-02-30")).toBeUndefined();
    expect(dayNumberOf("19970930")).toBeUndefined();
    expect(dayNumberOf("1997/09/30")).toBeUndefined();
  });
});
