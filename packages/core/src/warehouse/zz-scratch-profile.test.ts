import { readFileSync } from "node:fs";
import { it } from "vitest";
import { openWarehouse } from "@siyu/storage";
import { openTestDatabase } from "@siyu/storage/testing";
import { appendEvents, readEventsAfter, type NormalisedEvent } from "../events";
import { newId } from "../shared/ids";
import { toEventRow } from "./event-row";
import { readAnchorsBetween } from "./warehouse-source.repository";

it("profiles", async () => {
  const database = await openTestDatabase();
  const warehouse = await openWarehouse({ dataDir: null });
  await warehouse.migrate();
  const shop = newId();
  const lines = readFileSync("/work/shared/datasets/taobao_userbehavior/userbehavior_2017-11-26_0900-1110_slice.csv", "utf8").trim().split("\n");
  const events: NormalisedEvent[] = lines.map((line, i) => {
    const [userId, itemId, categoryId, behavior, seconds] = line.split(",") as [string, string, string, string, string];
    const ts = new Date(Number(seconds) * 1000);
    return { messageId: `t-${i}`, type: "track", event: behavior, userId, anonymousId: null, ts, receivedAt: ts,
      payload: { type: "track", messageId: `t-${i}`, event: behavior, userId, timestamp: ts.toISOString(), properties: { product_id: itemId, category_id: categoryId }, context: { library: { name: "x" } } } };
  });
  let t = performance.now();
  for (let i = 0; i < events.length; i += 10_000) await appendEvents(database.db, shop, events.slice(i, i + 10_000));
  console.log("append", (performance.now() - t).toFixed(0));
  for (const batch of [5000, 10000, 20000]) {
    await warehouse.run("delete from events");
    const tm = { read: 0, anchors: 0, rows: 0, duck: 0 };
    let pos = 0; const t0 = performance.now();
    for (;;) {
      t = performance.now(); const evs = await readEventsAfter(database.db, pos, batch); tm.read += performance.now() - t;
      if (evs.length === 0) break;
      t = performance.now(); const a = await readAnchorsBetween(database.db, evs[0]!.seq, evs.at(-1)!.seq); tm.anchors += performance.now() - t;
      t = performance.now(); const rows = evs.map((e) => toEventRow(e, a.get(e.seq) ?? null)); tm.rows += performance.now() - t;
      t = performance.now(); await warehouse.transaction(async (tx) => { await tx.append("events", rows); }); tm.duck += performance.now() - t;
      pos = evs.at(-1)!.seq;
    }
    const total = performance.now() - t0;
    console.log(database.label, batch, Object.fromEntries(Object.entries(tm).map(([k, v]) => [k, Math.round(v)])), "total", Math.round(total), Math.round(110300 / total * 1000), "ev/s");
  }
  await warehouse.close(); await database.close();
});
