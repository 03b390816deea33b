import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse, type Warehouse } from "@siyu/storage";
import { datasetFile, openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { appendEvents, type NormalisedEvent } from "../events";
import { newId } from "../shared/ids";
import { drainWarehouse } from "./warehouse-loader";
import { countEventsByName, eventsPerDay } from "./warehouse.queries";

// The public Taobao UserBehavior slice beside the project (see ../shared/datasets/README.md):
// 110,300 rows of user_id,item_id,category_id,behavior,epoch seconds; 2017-11-26 09:00–11:10 at UTC+8.
const SLICE = datasetFile("taobao_userbehavior/userbehavior_2017-11-26_0900-1110_slice.csv");

let database: TestDatabase;
let warehouse: Warehouse;
const shop = newId();
const lines = SLICE ? readFileSync(SLICE, "utf8").trim().split("\n") : [];

beforeAll(async () => {
  if (!SLICE) return;
  database = await openTestDatabase();
  warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
});
afterAll(async () => {
  await warehouse?.close();
  await database?.close();
});

function toEvent(line: string, i: number): NormalisedEvent {
  const [userId, itemId, categoryId, behavior, seconds] = line.split(",") as [string, string, string, string, string];
  const ts = new Date(Number(seconds) * 1000);
  const messageId = `taobao-${i}`;
  return {
    messageId,
    type: "track",
    event: behavior,
    userId,
    anonymousId: null,
    ts,
    receivedAt: ts,
    payload: {
      type: "track",
      messageId,
      event: behavior,
      userId,
      timestamp: ts.toISOString(),
      properties: { product_id: itemId, category_id: categoryId },
      context: { library: { name: "taobao-userbehavior" } },
    },
  };
}

describe.runIf(SLICE)("Taobao UserBehavior slice through the log into the warehouse", () => {
  it("loads all 110,300 rows with the CSV's counts per behaviour", async () => {
    const events = lines.map(toEvent);
    for (let i = 0; i < events.length; i += 10_000) await appendEvents(database.db, shop, events.slice(i, i + 10_000));

    const started = performance.now();
    const loaded = await drainWarehouse({ db: database.db, warehouse, batchSize: 10_000 });
    const seconds = (performance.now() - started) / 1000;
    console.info(`[${database.label}] loaded ${loaded} events in ${seconds.toFixed(2)} s: ${Math.round(loaded / seconds)} events/s`);
    expect(loaded).toBe(110_300);

    const expected = new Map<string, number>();
    const users = new Set<string>();
    for (const line of lines) {
      const [user, , , behavior] = line.split(",");
      expected.set(behavior!, (expected.get(behavior!) ?? 0) + 1);
      users.add(user!);
    }
    const window = { from: new Date("2017-11-26T00:00:00Z"), to: new Date("2017-11-27T00:00:00Z") };
    const counted = await countEventsByName(warehouse, shop, window);
    expect(new Map(counted.map((c) => [c.event, c.count]))).toEqual(expected);
    expect(Object.fromEntries(expected)).toEqual({ pv: 98_361, cart: 6_063, fav: 3_383, buy: 2_493 });

    const [row] = await warehouse.query<{ users: bigint; items: bigint; first: Date; last: Date }>(
      `select count(distinct user_id) as users, count(distinct properties->>'$.product_id') as items, min(ts) as first, max(ts) as last
       from events where workspace_id = $1::uuid`,
      [shop],
    );
    expect(row).toEqual({
      users: BigInt(users.size),
      items: 84_793n,
      first: new Date(1_511_658_000_000),
      last: new Date(1_511_665_811_000),
    });
    expect(users.size).toBe(66_454);
    expect(await eventsPerDay(warehouse, shop, { ...window, timeZone: "Asia/Shanghai" })).toEqual([{ day: "2017-11-26", count: 110_300 }]);
  });
});
