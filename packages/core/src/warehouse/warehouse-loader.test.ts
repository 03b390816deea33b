import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { openTestDatabase, testServerUrl, type TestDatabase } from "@siyu/storage/testing";
import { appendEvents, lastSeq } from "../events";
import { newId } from "../shared/ids";
import { EVENT_COLUMNS } from "./event-row";
import { drainWarehouse, loadEventsIntoWarehouse } from "./warehouse-loader";
import { message, trackSeries } from "./warehouse.fixtures";
import { readWarehouseOffset, WAREHOUSE_EVENTS_OFFSET, WAREHOUSE_FIRST_TOUCHES_OFFSET, WAREHOUSE_ORDERS_OFFSET } from "./warehouse-offsets";
import { countEvents, deleteWorkspaceFromWarehouse } from "./warehouse.queries";

let database: TestDatabase;
let warehouse: Warehouse;
const workspace = newId();

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

beforeEach(async () => {
  // The log keeps growing across tests; each test gets an empty warehouse and loads it all.
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterEach(() => warehouse.close());

/** Every seq of the log is in the warehouse once: no duplicates, no gaps. */
async function expectExactCopy(target: Warehouse = warehouse) {
  const last = await lastSeq(database.db);
  const [row] = await target.query<{ n: bigint; distinct_seqs: bigint; max_seq: bigint | null }>(
    "select count(*) as n, count(distinct seq) as distinct_seqs, max(seq) as max_seq from events",
  );
  const logged = (await database.db.execute("select count(*)::int as n from events_log")) as unknown as { rows: { n: number }[] };
  expect(Number(row!.n)).toBe(logged.rows[0]!.n);
  expect(Number(row!.distinct_seqs)).toBe(Number(row!.n));
  expect(Number(row!.max_seq ?? 0)).toBe(last);
  expect(await readWarehouseOffset(target, WAREHOUSE_EVENTS_OFFSET)).toBe(last);
}

describe(`warehouse loader (${testServerUrl() ? "postgres" : "pglite"} → DuckDB)`, () => {
  it("keeps the events table's columns in the order the appender fills them", async () => {
    const columns = await warehouse.query<{ column_name: string }>("describe events");
    expect(columns.map((c) => c.column_name)).toEqual([...EVENT_COLUMNS]);
  });

  it("rolls back a transaction whose append fails and stays usable", async () => {
    await expect(warehouse.transaction((tx) => tx.append("events", [["not enough cells"]]))).rejects.toThrow(/has 1 cells/);
    expect(await countAll(warehouse)).toBe(0);
    expect(await warehouse.ping()).toBe(true);
  });

  it("loads every event exactly once across repeated calls", async () => {
    await appendEvents(database.db, workspace, trackSeries(23, "2026-03-01T00:00:00Z"));
    expect(await loadEventsIntoWarehouse({ db: database.db, warehouse, batchSize: 10 })).toBe(10);
    expect(await loadEventsIntoWarehouse({ db: database.db, warehouse, batchSize: 10 })).toBe(10);
    await appendEvents(database.db, workspace, trackSeries(7, "2026-03-02T00:00:00Z"));
    expect(await drainWarehouse({ db: database.db, warehouse, batchSize: 10 })).toBeGreaterThanOrEqual(10);
    expect(await loadEventsIntoWarehouse({ db: database.db, warehouse, batchSize: 10 })).toBe(0);
    expect(await drainWarehouse({ db: database.db, warehouse })).toBe(0);
    await expectExactCopy();
  });

  it("runs concurrent calls one after another", async () => {
    await appendEvents(database.db, workspace, trackSeries(40, "2026-03-03T00:00:00Z"));
    const loaded = await Promise.all(Array.from({ length: 8 }, () => loadEventsIntoWarehouse({ db: database.db, warehouse, batchSize: 25 })));
    expect(loaded.reduce((a, b) => a + b, 0)).toBe(await lastSeq(database.db));
    await expectExactCopy();
  });

  it("replays a batch that crashed inside its DuckDB transaction, without duplicates or gaps", async () => {
    await appendEvents(database.db, workspace, trackSeries(30, "2026-03-04T00:00:00Z"));
    const total = await lastSeq(database.db);
    await loadEventsIntoWarehouse({ db: database.db, warehouse, batchSize: total - 12 });

    const seenInsideCrashedTx: number[] = [];
    const crashing: Warehouse = {
      ...warehouse,
      transaction: (work) =>
        warehouse.transaction(async (tx) => {
          await work(tx);
          const [row] = await tx.query<{ n: bigint }>("select count(*) as n from events");
          seenInsideCrashedTx.push(Number(row!.n));
          throw new Error("simulated crash after appending and moving the offset");
        }),
    };
    await expect(loadEventsIntoWarehouse({ db: database.db, warehouse: crashing, batchSize: 5 })).rejects.toThrow(/simulated crash/);
    expect(seenInsideCrashedTx).toEqual([total - 12 + 5]);
    expect(await readWarehouseOffset(warehouse, WAREHOUSE_EVENTS_OFFSET)).toBe(total - 12);
    expect(await countAll(warehouse)).toBe(total - 12);

    expect(await drainWarehouse({ db: database.db, warehouse, batchSize: 5 })).toBe(12);
    await expectExactCopy();
  });

  it("refuses a batch when another loader moved the offset after it was read", async () => {
    await appendEvents(database.db, workspace, trackSeries(5, "2026-03-05T00:00:00Z"));
    await drainWarehouse({ db: database.db, warehouse });
    await appendEvents(database.db, workspace, trackSeries(5, "2026-03-05T01:00:00Z"));
    // A loader that read the offset before the last drain: it would load those events again.
    const stale: Warehouse = {
      ...warehouse,
      query: async <T>(sql: string, params?: Parameters<Warehouse["query"]>[1]) =>
        sql.includes("_siyu_warehouse_offsets") ? ([{ position: 0 }] as T[]) : warehouse.query<T>(sql, params),
    };
    await expect(loadEventsIntoWarehouse({ db: database.db, warehouse: stale })).rejects.toMatchObject({ code: "warehouse.offset_moved" });
    await drainWarehouse({ db: database.db, warehouse });
    await expectExactCopy();
  });

  it("continues where it stopped after the warehouse file is closed and reopened", async () => {
    const dir = mkdtempSync(join(tmpdir(), "siyu-wh-loader-"));
    try {
      let onDisk = await openWarehouse({ dataDir: dir });
      await onDisk.migrate();
      await appendEvents(database.db, workspace, trackSeries(12, "2026-03-06T00:00:00Z"));
      await loadEventsIntoWarehouse({ db: database.db, warehouse: onDisk, batchSize: 7 });
      await onDisk.close();

      onDisk = await openWarehouse({ dataDir: dir });
      expect(await onDisk.migrate()).toEqual([]);
      await appendEvents(database.db, workspace, trackSeries(4, "2026-03-06T01:00:00Z"));
      await drainWarehouse({ db: database.db, warehouse: onDisk, batchSize: 7 });
      await expectExactCopy(onDisk);
      await onDisk.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("types the common fields and keeps properties, context and traits queryable as JSON", async () => {
    const shop = newId();
    await appendEvents(database.db, shop, [
      message({
        messageId: "order-1",
        event: "Order Completed",
        ts: "2026-03-07T02:00:00.123Z",
        userId: "u-9",
        anonymousId: "anon-9",
        properties: { order_id: 1001, total: 59.5, currency: "cny", store_id: "sh-01", products: [{ sku: "tea-1" }] },
        context: { library: { name: "analytics-node" }, channel: "server", page: { path: "/checkout" } },
      }),
      message({ messageId: "view-1", ts: "2026-03-07T01:00:00Z", properties: { sku: "tea-1", product_id: "p-1", price: 19.5 } }),
      message({ messageId: "page-1", type: "page", name: "Menu", ts: "2026-03-07T00:59:00Z", properties: { path: "/menu" } }),
      message({ messageId: "identify-1", type: "identify", ts: "2026-03-07T00:58:00Z", traits: { name: "李雷", phone: "13800138000" } }),
    ]);
    await drainWarehouse({ db: database.db, warehouse });
    const rows = await warehouse.query<Record<string, unknown>>(
      `select message_id, type, event, user_id, anonymous_id, ts, order_id, revenue, currency, store_id, product_id, channel, library,
              page_name, page_path, properties->>'$.sku' as sku, (properties->'$.price')::double as price,
              properties->'$.products'->0->>'$.sku' as first_sku, traits->>'$.name' as trait_name, typeof(revenue) as revenue_type
       from events where workspace_id = $1::uuid order by ts`,
      [shop],
    );
    expect(rows).toMatchObject([
      { message_id: "identify-1", type: "identify", event: null, trait_name: "李雷" },
      { message_id: "page-1", type: "page", page_name: "Menu", page_path: "/menu" },
      { message_id: "view-1", event: "Product Viewed", sku: "tea-1", price: 19.5, product_id: "p-1", library: "analytics.js" },
      {
        message_id: "order-1",
        user_id: "u-9",
        anonymous_id: "anon-9",
        ts: new Date("2026-03-07T02:00:00.123Z"),
        order_id: "1001",
        revenue: 59.5,
        revenue_type: "DOUBLE",
        currency: "CNY",
        store_id: "sh-01",
        channel: "server",
        library: "analytics-node",
        page_path: "/checkout",
        first_sku: "tea-1",
      },
    ]);
  });

  it("never mixes the events of two workspaces", async () => {
    const [a, b] = [newId(), newId()];
    await appendEvents(database.db, a, trackSeries(6, "2026-03-08T00:00:00Z", "Coupon Claimed"));
    await appendEvents(database.db, b, trackSeries(4, "2026-03-08T00:00:00Z", "Coupon Claimed"));
    await drainWarehouse({ db: database.db, warehouse });
    const range = { from: new Date("2026-03-08T00:00:00Z"), to: new Date("2026-03-09T00:00:00Z") };
    expect(await countEvents(warehouse, a, range)).toBe(6);
    expect(await countEvents(warehouse, b, { ...range, event: "Coupon Claimed" })).toBe(4);
    expect(await countEvents(warehouse, newId(), range)).toBe(0);
  });
});

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
    expect(JSON.parse(rows.find((r) => r.workspace === a)!.products as string)).toEqual([{ sku: "tea-1", price: 59.5, category: "tea" }]);
    expect(await readWarehouseOffset(warehouse, WAREHOUSE_ORDERS_OFFSET)).toBe(await lastSeq(database.db));

    await deleteWorkspaceFromWarehouse(warehouse, a);
    const left = (await warehouse.query<{ workspace: string }>(FROM_ROLLUP)).map((r) => r.workspace);
    expect([left.filter((w) => w === a).length, left.filter((w) => w === b).length]).toEqual([0, 4]);
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
      await before.run("delete from _siyu_warehouse_offsets where consumer in ($1, $2)", [WAREHOUSE_ORDERS_OFFSET, WAREHOUSE_FIRST_TOUCHES_OFFSET]);
      await before.close();

      // The next process, with nothing new in the log: its first idle pass copies them.
      const after = await openWarehouse({ dataDir: dir });
      try {
        expect(await loadEventsIntoWarehouse({ db: database.db, warehouse: after })).toBe(0);
        const rows = await after.query(FROM_ROLLUP);
        expect(rows.length).toBeGreaterThanOrEqual(4);
        expect(rows).toEqual(await after.query(FROM_EVENTS));
        for (const offset of [WAREHOUSE_ORDERS_OFFSET, WAREHOUSE_FIRST_TOUCHES_OFFSET]) expect(await readWarehouseOffset(after, offset)).toBe(await lastSeq(database.db));
      } finally {
        await after.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

async function countAll(target: Warehouse): Promise<number> {
  const [row] = await target.query<{ n: bigint }>("select count(*) as n from events");
  return Number(row!.n);
}
