import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, openWarehouse } from "@siyu/storage";
import { sql } from "@siyu/storage/orm";
import { appendEvents } from "../events";
import { newId } from "../shared/ids";
import { message } from "./warehouse.fixtures";
import { readWarehouseOffset, WAREHOUSE_EVENTS_OFFSET, WAREHOUSE_FIRST_TOUCHES_OFFSET, WAREHOUSE_ORDERS_OFFSET } from "./warehouse-offsets";

const dir = mkdtempSync(join(tmpdir(), "siyu-wh-kill-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const EVENTS = 6_000;

describe("warehouse loader under kill -9 (embedded PGlite + DuckDB files)", () => {
  it("loads every event exactly once however often the loading process is killed", async () => {
    const database = await openDatabase({ kind: "pglite", dataDir: dir });
    await database.migrate();
    // Every third event an order, each at one of 7 stores, out of time order, from one of 50 anchored
    // identifiers: the rollups (order_events, first_touches) commit with the events they come from.
    const start = Date.parse("2026-04-01T00:00:00Z");
    const events = Array.from({ length: EVENTS }, (_, i) => {
      const ts = new Date(start + ((i * 7919) % EVENTS) * 60_000).toISOString();
      return i % 3 === 0
        ? message({ event: "Order Completed", ts, properties: { order_id: `o-${i}`, total: 10, store_id: `s-${i % 7}` } })
        : message({ event: "Product Viewed", ts, properties: { store_id: `s-${i % 5}` } });
    });
    await appendEvents(database.db, newId(), events);
    const identifiers = Array.from({ length: 50 }, () => newId());
    await database.db.execute(sql`insert into profile_event_anchors (seq, workspace_id, identifier_id)
      select seq, workspace_id, (${`{${identifiers.join(",")}}`}::uuid[])[1 + seq % 50] from events_log`);
    await database.close();

    const child = fileURLToPath(new URL("./fixtures/loader-child.ts", import.meta.url));
    // Kill after a few committed batches, at whatever the process is doing then (reading, appending, committing).
    const outcomes: string[] = [];
    for (const batches of [2, 4, 3]) outcomes.push(await runAndKill(child, dir, batches));
    outcomes.push(await runAndKill(child, dir, Number.POSITIVE_INFINITY));
    expect(outcomes.filter((o) => o === "killed").length).toBeGreaterThanOrEqual(3);
    expect(outcomes.at(-1)).toBe("finished");

    const warehouse = await openWarehouse({ dataDir: dir });
    const [row] = await warehouse.query<{ n: bigint; seqs: bigint; top: bigint }>(
      "select count(*) as n, count(distinct seq) as seqs, max(seq) as top from events",
    );
    expect(row).toEqual({ n: BigInt(EVENTS), seqs: BigInt(EVENTS), top: BigInt(EVENTS) });
    expect(await readWarehouseOffset(warehouse, WAREHOUSE_EVENTS_OFFSET)).toBe(EVENTS);
    const [orders] = await warehouse.query<{ n: bigint; seqs: bigint }>("select count(*) as n, count(distinct seq) as seqs from order_events");
    expect(orders).toEqual({ n: BigInt(EVENTS / 3), seqs: BigInt(EVENTS / 3) });
    expect(await readWarehouseOffset(warehouse, WAREHOUSE_ORDERS_OFFSET)).toBe(EVENTS);
    // Each identifier's first store, against a recomputation from the events.
    const firstStores = (from: string) =>
      warehouse.query(`select identifier_id::varchar as id, value from ${from} order by id`);
    expect(await firstStores("first_touches where kind = 'store'")).toEqual(
      await firstStores("(select identifier_id, arg_min(store_id, (ts, seq)) as value from events group by identifier_id)"),
    );
    expect(await readWarehouseOffset(warehouse, WAREHOUSE_FIRST_TOUCHES_OFFSET)).toBe(EVENTS);
    await warehouse.close();
  }, 120_000);
});

/** Runs the loader child; kills it with SIGKILL once it reported `batches` commits. */
function runAndKill(child: string, dataDir: string, batches: number): Promise<"killed" | "finished"> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ["--import", "tsx", child, dataDir], { stdio: ["ignore", "pipe", "pipe"] });
    let seen = 0;
    let buffer = "";
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    proc.stdout.on("data", (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split("\n");
      buffer = lines.pop() ?? "";
      for (const line of lines) if (/^loaded \d+$/.test(line) && ++seen === batches) proc.kill("SIGKILL");
    });
    proc.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve("killed");
      else if (code === 0) resolve("finished");
      else reject(new Error(`loader child failed (${code}): ${stderr}`));
    });
  });
}
