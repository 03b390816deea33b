import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { appendEvents } from "../events";
import { newId } from "../shared/ids";
import { drainWarehouse } from "./warehouse-loader";
import { message } from "./warehouse.fixtures";
import { countEvents, countEventsByName, deleteWorkspaceFromWarehouse, eventsPerDay } from "./warehouse.queries";

let database: TestDatabase;
let warehouse: Warehouse;
const shop = newId();
const other = newId();
const january = { from: new Date("2025-12-31T00:00:00Z"), to: new Date("2026-01-03T00:00:00Z") };

beforeAll(async () => {
  database = await openTestDatabase();
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
  await appendEvents(database.db, shop, [
    message({ event: "Product Viewed", ts: "2026-01-01T15:59:59Z" }), // 23:59:59 in Shanghai: still Jan 1
    message({ event: "Product Viewed", ts: "2026-01-01T16:30:00Z" }), // 00:30 on Jan 2 in Shanghai
    message({ event: "Order Completed", ts: "2026-01-01T18:00:00Z", properties: { order_id: "o-1", total: 30 } }),
    message({ event: "Product Viewed", ts: "2026-01-02T23:00:00Z" }), // Jan 3 in Shanghai, Jan 2 in UTC
  ]);
  await appendEvents(database.db, other, [message({ event: "Product Viewed", ts: "2026-01-01T16:30:00Z" })]);
  await drainWarehouse({ db: database.db, warehouse });
});
afterAll(async () => {
  await warehouse.close();
  await database.close();
});

describe("warehouse queries", () => {
  it("buckets days in the workspace's time zone", async () => {
    expect(await eventsPerDay(warehouse, shop, { ...january, timeZone: "Asia/Shanghai" })).toEqual([
      { day: "2026-01-01", count: 1 },
      { day: "2026-01-02", count: 2 },
      { day: "2026-01-03", count: 1 },
    ]);
    expect(await eventsPerDay(warehouse, shop, { ...january, timeZone: "UTC" })).toEqual([
      { day: "2026-01-01", count: 3 },
      { day: "2026-01-02", count: 1 },
    ]);
    expect(await eventsPerDay(warehouse, shop, { ...january, timeZone: "America/Los_Angeles", event: "Product Viewed" })).toEqual([
      { day: "2026-01-01", count: 2 },
      { day: "2026-01-02", count: 1 },
    ]);
  });

  it("puts 2026-01-01T16:30Z in 2026-01-02 for Asia/Shanghai", async () => {
    const at = { from: new Date("2026-01-01T16:30:00Z"), to: new Date("2026-01-01T16:30:01Z") };
    expect(await eventsPerDay(warehouse, shop, { ...at, timeZone: "Asia/Shanghai" })).toEqual([{ day: "2026-01-02", count: 1 }]);
  });

  it("counts within [from, to), per event name, one workspace only", async () => {
    expect(await countEvents(warehouse, shop, january)).toBe(4);
    expect(await countEvents(warehouse, shop, { from: new Date("2026-01-01T16:30:00Z"), to: new Date("2026-01-02T23:00:00Z") })).toBe(2);
    expect(await countEvents(warehouse, shop, { ...january, event: "Order Completed" })).toBe(1);
    expect(await countEventsByName(warehouse, shop, january)).toEqual([
      { event: "Product Viewed", count: 3 },
      { event: "Order Completed", count: 1 },
    ]);
    expect(await countEvents(warehouse, other, january)).toBe(1);
  });

  it("rejects an unknown time zone and an empty range", async () => {
    await expect(eventsPerDay(warehouse, shop, { ...january, timeZone: "Mars/Olympus" })).rejects.toMatchObject({
      code: "warehouse.invalid_time_zone",
    });
    await expect(countEvents(warehouse, shop, { from: january.to, to: january.from })).rejects.toMatchObject({ code: "warehouse.invalid_range" });
  });

  it("deletes one workspace's rows and nothing else", async () => {
    await deleteWorkspaceFromWarehouse(warehouse, other);
    expect(await countEvents(warehouse, other, january)).toBe(0);
    expect(await countEvents(warehouse, shop, january)).toBe(4);
  });
});
