import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { openWarehouse, uuidFromWords, WAREHOUSE_MIGRATIONS_FOLDER } from "./warehouse";

const UNCOMPRESSED_KEYS = "20261130200000_uncompressed_keys.sql";
const WS = "01900000-0000-7000-8000-0000000000aa";
const uuid = (n: number) => `01900000-0000-7000-8000-${n.toString(16).padStart(12, "0")}`;

/** A warehouse file as the migrations before `until` left it, holding `events` events of `events / 10` profiles. */
async function warehouseBefore(dir: string, until: string, events: number) {
  const instance = await DuckDBInstance.create(join(dir, "warehouse.duckdb"));
  const c = await instance.connect();
  await c.run("create table _siyu_warehouse_migrations (name varchar primary key, applied_at timestamptz not null default now())");
  for (const file of readdirSync(WAREHOUSE_MIGRATIONS_FOLDER).filter((f) => f.endsWith(".sql") && f < until).sort()) {
    await c.run(readFileSync(join(WAREHOUSE_MIGRATIONS_FOLDER, file), "utf8"));
    await c.run("insert into _siyu_warehouse_migrations (name) values ($1)", [file]);
  }
  await c.run(
    `insert into events (workspace_id, seq, message_id, type, event, ts, received_at, identifier_id, revenue, properties)
     select '${WS}', i, 'm-' || i, 'track', 'Order Completed', timestamptz '2026-11-01 00:00:00+00' + to_seconds(i), now(),
            ('01900000-0000-7000-8000-' || lpad(to_hex(i % ${events / 10}), 12, '0'))::uuid, i % 50, '{"sku": "x"}'
     from range(1, ${events + 1}) t(i)`,
  );
  await c.run(
    `insert into profile_identifiers select '${WS}', ('01900000-0000-7000-8000-' || lpad(to_hex(i), 12, '0'))::uuid, 'user_id', 'u-' || i,
            ('01900000-0000-7000-9000-' || lpad(to_hex(i), 12, '0'))::uuid from range(0, ${events / 10}) t(i)`,
  );
  await c.run("checkpoint");
  c.closeSync();
  instance.closeSync();
}

describe("DuckDB warehouse", () => {
  it("applies each migration once and keeps data across reopen", async () => {
    const dir = mkdtempSync(join(tmpdir(), "siyu-wh-"));
    try {
      const first = await openWarehouse({ dataDir: dir });
      const applied = await first.migrate();
      expect(applied.length).toBeGreaterThan(0);
      expect(await first.migrate()).toEqual([]);
      await first.run("insert into siyu_meta (key, value) values ($1, $2)", ["probe", "42"]);
      await first.close();

      const second = await openWarehouse({ dataDir: dir });
      expect(await second.migrate()).toEqual([]);
      const rows = await second.query<{ value: string }>("select value from siyu_meta where key = $1", ["probe"]);
      expect(rows).toEqual([{ value: "42" }]);
      await second.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("stores the join keys uncompressed, keeping every row of a warehouse from before", async () => {
    const dir = mkdtempSync(join(tmpdir(), "siyu-wh-"));
    try {
      await warehouseBefore(dir, UNCOMPRESSED_KEYS, 300_000);
      const warehouse = await openWarehouse({ dataDir: dir });
      const summary = "select count(*) as n, count(distinct profile_id) as people, sum(revenue) as revenue, max(seq) as last from events_with_profile";
      const keys = () =>
        warehouse.query<{ table_name: string; column_name: string; compression: string }>(
          `select distinct * from (
             select 'events' as table_name, column_name, compression from pragma_storage_info('events') where column_name in ('identifier_id', 'workspace_id') and segment_type <> 'VALIDITY'
             union all
             select 'profile_identifiers', column_name, compression from pragma_storage_info('profile_identifiers') where column_name in ('identifier_id', 'profile_id') and segment_type <> 'VALIDITY'
           ) order by all`,
        );
      const [before] = await warehouse.query(summary);
      expect(before).toEqual({ n: 300_000n, people: 30_000n, revenue: 7_350_000, last: 300_000n });
      expect((await keys()).filter((r) => r.column_name !== "workspace_id").some((r) => r.compression !== "Uncompressed")).toBe(true);
      expect((await warehouse.migrate())[0]).toBe(UNCOMPRESSED_KEYS);
      await warehouse.run("checkpoint");
      expect(await warehouse.query(summary)).toEqual([before]);
      expect((await keys()).map((r) => `${r.table_name}.${r.column_name} ${r.compression}`)).toEqual([
        "events.identifier_id Uncompressed",
        "events.workspace_id Constant",
        "profile_identifiers.identifier_id Uncompressed",
        "profile_identifiers.profile_id Uncompressed",
      ]);
      // The loader appends by position: a new row's anchor lands in identifier_id and finds its profile.
      const now = new Date();
      await warehouse.transaction((tx) => tx.append("events", [[WS, 300_001, "m-new", "track", null, null, null, now, now, uuid(1), ...Array(12).fill(null)]]));
      expect(await warehouse.query("select count(*) as n from events_with_profile where profile_id is not null")).toEqual([{ n: 300_001n }]);
      // Several workspaces' events interleave in short runs: their ids are run-length encoded, not bit-packed.
      await warehouse.run(
        `insert into events (workspace_id, seq, message_id, type, ts, received_at)
         select case when i // 3 % 2 = 0 then '${WS}' else '${uuid(0xbb)}' end::uuid, 300002 + i, 'w-' || i, 'track', now(), now() from range(200000) t(i)`,
      );
      await warehouse.run("checkpoint");
      const workspaceSegments = await warehouse.query<{ compression: string }>(
        "select distinct compression from pragma_storage_info('events') where column_name = 'workspace_id' and segment_type <> 'VALIDITY' order by all",
      );
      expect(workspaceSegments.map((r) => r.compression)).toContain("RLE");
      expect(workspaceSegments.map((r) => r.compression)).not.toContain("BitPacking");
      await warehouse.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("serialises concurrent queries on its one connection", async () => {
    const warehouse = await openWarehouse({ dataDir: null });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => warehouse.query<{ n: number }>(`select ${i}::int as n`)),
    );
    expect(results.map((r) => r[0]?.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(await warehouse.ping()).toBe(true);
    await warehouse.close();
    expect(await warehouse.ping()).toBe(false);
  });

  it("says when DuckDB is at work on the queued queries: the first is running, none has ended", async () => {
    const warehouse = await openWarehouse({ dataDir: null });
    try {
      await expect(warehouse.started()).resolves.toBeUndefined();
      const ended: string[] = [];
      const long = warehouse
        .query<{ n: bigint }>("select count(distinct (i * $1::bigint) % 1000003) as n from range(3000000) t(i)", [7])
        .finally(() => ended.push("long"));
      const short = warehouse.query<{ n: number }>("select 1 as n").finally(() => ended.push("short"));
      await warehouse.started();
      // The first query runs on DuckDB's threads: parsed and prepared, not yet ended; the second waits behind it.
      expect(ended).toEqual([]);
      expect(Number((await long)[0]!.n)).toBe(1000003);
      expect((await short)[0]!.n).toBe(1);
      expect(ended).toEqual(["long", "short"]);
      // A failed statement ends its turn too.
      const failed = warehouse.query("select * from no_such_table").catch((e: Error) => e.message);
      await warehouse.started();
      expect(await failed).toMatch(/no_such_table/);
      await expect(warehouse.started()).resolves.toBeUndefined();
    } finally {
      await warehouse.close();
    }
  });

  it("scans a result chunk by chunk: numbers as numbers, UUIDs as four words that give their text back", async () => {
    const warehouse = await openWarehouse({ dataDir: null });
    const edges = ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "80000000-0000-0000-0000-000000000001", "7fffffff-ffff-ffff-ffff-fffffffffffe"];
    await warehouse.run(
      `create table t as select i, i * 1.5 as x, (i * 1000000000000)::bigint as b, if(i < 4, ${`[${edges.map((e) => `'${e}'`).join(", ")}]`}[i + 1]::uuid, gen_random_uuid()) as u
       from range(5000) r(i)`,
    );
    const expected = await warehouse.query<{ u: string }>("select u::varchar as u from t order by i");
    const words = new Uint32Array(4);
    const got: { i: number; x: number; b: number; u: string }[] = [];
    const rows = await warehouse.scan("select i::int, x, b, u from t where i >= $1::int order by i", ["0"], (chunk) => {
      expect(chunk.rowCount).toBeLessThanOrEqual(2048);
      for (let r = 0; r < chunk.rowCount; r++) {
        chunk.uuidWords(3, r, words, 0);
        got.push({ i: chunk.number(0, r)!, x: chunk.number(1, r)!, b: chunk.number(2, r)!, u: uuidFromWords(words) });
      }
    });
    expect(rows).toBe(5000);
    expect(got.map((g) => g.u)).toEqual(expected.map((e) => e.u));
    expect(got.slice(0, 4).map((g) => g.u)).toEqual(edges);
    expect(got[4999]).toMatchObject({ i: 4999, x: 4999 * 1.5, b: 4999 * 1e12 });
    await expect(warehouse.scan("select i::int from t", [], (chunk) => chunk.uuidWords(0, 0, words, 0))).rejects.toThrow(/not a UUID/);
    await warehouse.close();
  });
});
