import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { openTestDatabase, testServerUrl, type TestDatabase } from "@siyu/storage/testing";
import { appendEvents, lastSeq } from "../events";
import { newId } from "../shared/ids";
import { drainWarehouse, loadEventsIntoWarehouse } from "./warehouse-loader";
import { message } from "./warehouse.fixtures";
import { readWarehouseOffset, WAREHOUSE_ORDERS_OFFSET } from "./warehouse-offsets";
import { deleteWorkspaceFromWarehouse } from "./warehouse.queries";

let database: TestDatabase;
let warehouse: Warehouse;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());
beforeEach(async () => {
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterEach(() => warehouse.close());

/** The order events of `events`, as the order metrics would read them straight from there. */
const FROM_EVENTS = `
  select workspace_id::varchar as workspace, seq, event, order_id, ts, store_id, revenue,
         coalesce(nullif(properties->>'$.utm_campaign', ''), nullif(properties->>'$.campaign', ''), nullif(context->>'$.campaign.name', '')) as campaign,
         coalesce(nullif(properties->>'$.utm_source', ''), nullif(context->>'$.campaign.source', '')) as source,
         (properties->'$.products')::varchar as products
  from events where event in ('Order Completed', 'Order Refunded') and order_id is not null order by seq`;
const FROM_ROLLUP = `
  select workspace_id::varchar as workspace, seq, event, order_id, ts, store_id, revenue, campaign, source, products::varchar as products
  from order_events order by seq`;

function shopDay(workspace: string, day: string) {
  return appendEvents(database.db, workspace, [
    message({ event: "Product Viewed", ts: `${day}T01:00:00Z`, properties: { sku: "tea-1" } }),
    message({
      event: "Order Completed",
      ts: `${day}T02:00:00Z`,
      properties: { order_id: `${day}-1`, total: 59.5, store_id: "sh-01", utm_campaign: "spring", products: [{ sku: "tea-1", price: 59.5, category: "tea" }] },
      context: { campaign: { source: "wecom", name: "ignored: the property wins" } },
    }),
    message({ event: "Order Completed", ts: `${day}T03:00:00Z`, properties: { order_id: 1002, revenue: 20 }, context: { campaign: { name: "autumn" } } }),
    message({ event: "Order Completed", ts: `${day}T04:00:00Z`, properties: { total: 5 } }), // no order_id: not an order row
    message({ event: "Order Refunded", ts: `${day}T05:00:00Z`, properties: { order_id: `${day}-1`, total: 10 } }),
    message({ event: "Order Refunded", ts: `${day}T06:00:00Z`, properties: { order_id: 1002 } }),
  ]);
}

describe(`order_events (${testServerUrl() ? "postgres" : "pglite"} → DuckDB)`, () => {
  it("holds every order event the loader loads, in the batch's own transaction, with what the order metrics read", async () => {
    const [a, b] = [newId(), newId()];
    await shopDay(a, "2026-05-01");
    await shopDay(b, "2026-05-02");
    // Small batches: an order event and its refund land in different ones.
    await drainWarehouse({ db: database.db, warehouse, batchSize: 4 });
    const rows = await warehouse.query<Record<string, unknown>>(FROM_ROLLUP);
    expect(rows).toEqual(await warehouse.query(FROM_EVENTS));
    expect(rows.filter((r) => r.workspace === a)).toMatchObject([
      { event: "Order Completed", order_id: "2026-05-01-1", revenue: 59.5, store_id: "sh-01", campaign: "spring", source: "wecom" },
      { event: "Order Completed", order_id: "1002", revenue: 20, campaign: "autumn", source: null, products: null },
      { event: "Order Refunded", order_id: "2026-05-01-1", revenue: 10 },
      { event: "Order Refunded", order_id: "1002", revenue: null },
    ]);
    expect(JSON.parse(rows[0]!.products as string)).toEqual([{ sku: "tea-1", price: 59.5, category: "tea" }]);
    expect(await readWarehouseOffset(warehouse, WAREHOUSE_ORDERS_OFFSET)).toBe(await lastSeq(database.db));

    await deleteWorkspaceFromWarehouse(warehouse, a);
    expect((await warehouse.query<{ workspace: string }>(FROM_ROLLUP)).map((r) => r.workspace)).toEqual(Array(4).fill(b));
  });

  it("fills itself from the events already loaded when a warehouse file had them before the table", async () => {
    await shopDay(newId(), "2026-05-03");
    const dir = mkdtempSync(join(tmpdir(), "siyu-orders-"));
    try {
      const before = await openWarehouse({ dataDir: dir });
      await before.migrate();
      await drainWarehouse({ db: database.db, warehouse: before });
      // As a file from before this table: the events are there, the order rows and their offset not.
      await before.run("delete from order_events");
      await before.run("delete from _siyu_warehouse_offsets where consumer = $1", [WAREHOUSE_ORDERS_OFFSET]);
      await before.close();

      // The next process, with nothing new in the log: its first idle pass copies them.
      const after = await openWarehouse({ dataDir: dir });
      try {
        expect(await loadEventsIntoWarehouse({ db: database.db, warehouse: after })).toBe(0);
        const rows = await after.query(FROM_ROLLUP);
        expect(rows.length).toBeGreaterThanOrEqual(4);
        expect(rows).toEqual(await after.query(FROM_EVENTS));
        expect(await readWarehouseOffset(after, WAREHOUSE_ORDERS_OFFSET)).toBe(await lastSeq(database.db));
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
