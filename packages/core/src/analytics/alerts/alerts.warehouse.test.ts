import { openWarehouse, type Warehouse } from "@siyu/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { metricSeries } from "./alerts.warehouse";

const WS = "01900000-0000-7000-8000-0000000000ab";
const ZONE = "America/New_York";
let warehouse: Warehouse;

/** A track event at a UTC instant; properties as given. */
const row = (seq: number, event: string, at: string, properties: Record<string, unknown> = {}) =>
  [WS, seq, `m-${seq}`, "track", event, `u-${seq}`, null, new Date(at), new Date(at), null, null, null, null, null, null, null, null, null, null, JSON.stringify(properties), null, null];

beforeAll(async () => {
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
  // New York leaves DST on 2026-11-01 at 06:00 UTC; local days around it, by UTC instant:
  await warehouse.transaction((tx) =>
    tx.append("events", [
      row(1, "Complaint Filed", "2026-10-31T03:59:59Z"), // Oct 30, 23:59:59 EDT
      row(2, "Order Completed", "2026-10-31T04:00:00Z"), // Oct 31, 00:00 EDT
      row(3, "Complaint Filed", "2026-11-01T03:30:00Z"), // Oct 31, 23:30 EDT
      row(4, "Order Completed", "2026-11-01T04:30:00Z"), // Nov 1, 00:30 EDT
      row(5, "Order Completed", "2026-11-02T04:30:00Z"), // Nov 1, 23:30 EST
      row(6, "Complaint Filed", "2026-11-02T04:59:00Z"), // Nov 1, 23:59 EST
      row(7, "Stock Reported", "2026-10-31T12:00:00Z", { level: 10 }),
      row(8, "Stock Reported", "2026-10-31T20:00:00Z", { level: "30" }),
      row(9, "Stock Reported", "2026-11-02T05:00:00Z", { level: "n/a" }), // Nov 2, 00:00 EST
    ]),
  );
});
afterAll(async () => {
  await warehouse.close();
});

const series = (metric: Parameters<typeof metricSeries>[1]["metric"]) =>
  metricSeries(warehouse, { workspaceId: WS, metric, granularity: "day", timeZone: ZONE, first: "2026-10-30", last: "2026-11-02" });

describe("alert series on the warehouse", () => {
  it("counts an event per local day across the end of DST", async () => {
    expect(await series({ kind: "event_count", event: "Complaint Filed" })).toEqual([
      { periodStart: "2026-10-30", value: 1 },
      { periodStart: "2026-10-31", value: 1 },
      { periodStart: "2026-11-01", value: 1 },
      { periodStart: "2026-11-02", value: 0 },
    ]);
  });

  it("divides one event's count by another's, with no value on a day without the divisor", async () => {
    expect(await series({ kind: "event_ratio", event: "Complaint Filed", per: "Order Completed" })).toEqual([
      { periodStart: "2026-10-30", value: null },
      { periodStart: "2026-10-31", value: 1 },
      { periodStart: "2026-11-01", value: 0.5 },
      { periodStart: "2026-11-02", value: null },
    ]);
  });

  it("averages a numeric property, skipping values that are not numbers", async () => {
    expect(await series({ kind: "property_average", event: "Stock Reported", property: "level" })).toEqual([
      { periodStart: "2026-10-30", value: null },
      { periodStart: "2026-10-31", value: 20 },
      { periodStart: "2026-11-01", value: null },
      { periodStart: "2026-11-02", value: null },
    ]);
  });
});
