/**
 * The durable append alone — the statement every 2xx of /v1/batch waits for —
 * written several ways, on the same events, so that a change to it can be judged
 * by a number: the current statement (advisory lock, jsonb_to_recordset,
 * ON CONFLICT DO NOTHING, RETURNING message_id) and variants of it. Each variant
 * appends into a fresh copy of the migrated events_log table. Two "floor" rows
 * measure what any log in the store pays at the least (the batch's bytes; the
 * message-id index the dedupe needs): the ceiling of durable ingest on that store.
 *
 *   npm run bench:append -- --events 50000 --batch 1000
 *   npm run bench:append -- --events 50000 --database-url postgres://postgres@127.0.0.1:5432/test
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { DEFAULT_INGEST_SETTINGS, normaliseMessage, type NormalisedEvent } from "@siyu/core";
import { openDatabase } from "@siyu/storage";
import { createServerTestDatabase } from "@siyu/storage/testing";
import { formatMachine, machineInfo } from "./lib/machine";
import { createEventGenerator, loadTaobaoBehaviour } from "./lib/segment-events";

const { values: args } = parseArgs({
  options: {
    events: { type: "string", default: "50000" },
    batch: { type: "string", default: "1000" },
    "database-url": { type: "string" },
    concurrency: { type: "string", default: "4" },
  },
});
const TOTAL = Number(args.events);
const BATCH = Number(args.batch);
const CONCURRENCY = Number(args.concurrency);
const WORKSPACE = "01900000-0000-7000-8000-000000000001";
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** One connection-like thing: PGlite itself, or one pooled PostgreSQL client. */
interface Conn {
  query(text: string, params?: unknown[], blob?: Blob): Promise<{ rows: unknown[]; affectedRows?: number }>;
}

interface Variant {
  name: string;
  /** Extra DDL on the fresh copy of the table (e.g. another payload type). */
  setup?: string[];
  append(conn: Conn, table: string, rows: NormalisedEvent[]): Promise<number>;
  pgliteOnly?: boolean;
}

function rowsJson(events: NormalisedEvent[]) {
  return JSON.stringify(
    events.map((e) => ({
      message_id: e.messageId,
      type: e.type,
      event: e.event,
      user_id: e.userId,
      anonymous_id: e.anonymousId,
      ts: e.ts.toISOString(),
      received_at: e.receivedAt.toISOString(),
      payload: e.payload,
    })),
  );
}

const RECORDSET = (table: string, returning: boolean) => `
  insert into ${table} (workspace_id, message_id, type, event, user_id, anonymous_id, ts, received_at, payload)
  select $1::uuid, x.message_id, x.type, x.event, x.user_id, x.anonymous_id, x.ts, x.received_at, x.payload
  from jsonb_to_recordset($2::jsonb)
    as x(message_id text, type text, event text, user_id text, anonymous_id text, ts timestamptz, received_at timestamptz, payload jsonb)
  on conflict (workspace_id, message_id) do nothing${returning ? " returning message_id" : ""}`;

async function inTransaction<T>(conn: Conn, work: () => Promise<T>): Promise<T> {
  await conn.query("begin");
  try {
    const result = await work();
    await conn.query("commit");
    return result;
  } catch (error) {
    await conn.query("rollback");
    throw error;
  }
}

const count = (result: { rows: unknown[]; affectedRows?: number }, returning: boolean) => (returning ? result.rows.length : (result.affectedRows ?? 0));

/** The floors' tables (see VARIANTS): the batch as one uncompressed text row, and the message ids alone. */
const BATCH_ROWS = [
  "create table {table}_batches (seq bigserial primary key, workspace_id uuid not null, received_at timestamptz not null, events text not null)",
  "alter table {table}_batches alter column events set storage external",
];
const MESSAGE_IDS = ["create table {table}_ids (workspace_id uuid not null, message_id text not null, primary key (workspace_id, message_id))"];

function insertBatchRow(conn: Conn, table: string, rows: NormalisedEvent[]) {
  return conn.query(`insert into ${table}_batches (workspace_id, received_at, events) values ($1::uuid, now(), $2)`, [WORKSPACE, rowsJson(rows)]);
}

/** The new message ids' count. */
async function insertMessageIds(conn: Conn, table: string, rows: NormalisedEvent[]): Promise<number> {
  const fresh = await conn.query(
    `insert into ${table}_ids (workspace_id, message_id) select $1::uuid, m from unnest($2::text[]) m on conflict do nothing returning message_id`,
    [WORKSPACE, rows.map((e) => e.messageId)],
  );
  return count(fresh, true);
}

const VARIANTS: Variant[] = [
  {
    name: "current: lock + jsonb_to_recordset + RETURNING",
    append: (conn, table, rows) =>
      inTransaction(conn, async () => {
        await conn.query("select pg_advisory_xact_lock(7301001)");
        return count(await conn.query(RECORDSET(table, true), [WORKSPACE, rowsJson(rows)]), true);
      }),
  },
  {
    name: "no RETURNING (the flow only needs the count)",
    append: (conn, table, rows) =>
      inTransaction(conn, async () => {
        await conn.query("select pg_advisory_xact_lock(7301001)");
        return count(await conn.query(RECORDSET(table, false), [WORKSPACE, rowsJson(rows)]), false);
      }),
  },
  {
    name: "no (workspace_id, ts) index on the log",
    setup: ["drop index if exists {table}_ts_idx"],
    append: (conn, table, rows) =>
      inTransaction(conn, async () => {
        await conn.query("select pg_advisory_xact_lock(7301001)");
        return count(await conn.query(RECORDSET(table, true), [WORKSPACE, rowsJson(rows)]), true);
      }),
  },
  {
    name: "payload stored as json (text) instead of jsonb",
    setup: ["alter table {table} alter column payload type json using payload::json"],
    append: (conn, table, rows) =>
      inTransaction(conn, async () => {
        await conn.query("select pg_advisory_xact_lock(7301001)");
        const sql = RECORDSET(table, true).replace("payload jsonb)", "payload json)");
        return count(await conn.query(sql, [WORKSPACE, rowsJson(rows)]), true);
      }),
  },
  {
    name: "unnest of column arrays (payload as text[] cast to jsonb)",
    append: (conn, table, rows) =>
      inTransaction(conn, async () => {
        await conn.query("select pg_advisory_xact_lock(7301001)");
        const result = await conn.query(
          `insert into ${table} (workspace_id, message_id, type, event, user_id, anonymous_id, ts, received_at, payload)
           select $1::uuid, m, t, e, u, a, ts, r, p::jsonb
           from unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::timestamptz[], $9::text[]) as x(m, t, e, u, a, ts, r, p)
           on conflict (workspace_id, message_id) do nothing returning message_id`,
          [
            WORKSPACE,
            rows.map((e) => e.messageId),
            rows.map((e) => e.type),
            rows.map((e) => e.event),
            rows.map((e) => e.userId),
            rows.map((e) => e.anonymousId),
            rows.map((e) => e.ts.toISOString()),
            rows.map((e) => e.receivedAt.toISOString()),
            rows.map((e) => JSON.stringify(e.payload)),
          ],
        );
        return count(result, true);
      }),
  },
  // Not ways to append, but what any embedded log must pay at the least: the bytes, and the dedupe index.
  {
    name: "floor: the batch's bytes alone (one uncompressed text row per batch, no index, no dedupe)",
    setup: BATCH_ROWS,
    append: (conn, table, rows) =>
      inTransaction(conn, async () => {
        await insertBatchRow(conn, table, rows);
        return rows.length;
      }),
  },
  {
    name: "floor: the dedupe alone (message ids into their unique index)",
    setup: MESSAGE_IDS,
    append: (conn, table, rows) => inTransaction(conn, () => insertMessageIds(conn, table, rows)),
  },
  {
    name: "one row per batch + the message-id table (both floors in one transaction)",
    setup: [...MESSAGE_IDS, ...BATCH_ROWS],
    append: (conn, table, rows) =>
      inTransaction(conn, async () => {
        await conn.query("select pg_advisory_xact_lock(7301001)");
        const fresh = await insertMessageIds(conn, table, rows);
        await insertBatchRow(conn, table, rows);
        return fresh;
      }),
  },
  {
    name: "COPY from a blob into a temp table, then INSERT … SELECT",
    pgliteOnly: true,
    append: (conn, table, rows) =>
      inTransaction(conn, async () => {
        await conn.query("select pg_advisory_xact_lock(7301001)");
        await conn.query(
          "create temp table if not exists append_stage (message_id text, type text, event text, user_id text, anonymous_id text, ts timestamptz, received_at timestamptz, payload jsonb) on commit delete rows",
        );
        const csv = rows
          .map((e) =>
            [e.messageId, e.type, e.event, e.userId, e.anonymousId, e.ts.toISOString(), e.receivedAt.toISOString(), JSON.stringify(e.payload)]
              .map((v) => (v === null ? "" : `"${v.replaceAll('"', '""')}"`))
              .join(","),
          )
          .join("\n");
        await conn.query("copy append_stage from '/dev/blob' with (format csv)", [], new Blob([csv]));
        const result = await conn.query(
          `insert into ${table} (workspace_id, message_id, type, event, user_id, anonymous_id, ts, received_at, payload)
           select $1::uuid, message_id, type, event, user_id, anonymous_id, ts, received_at, payload from append_stage
           on conflict (workspace_id, message_id) do nothing returning message_id`,
          [WORKSPACE],
        );
        return count(result, true);
      }),
  },
];

async function main() {
  console.log(`Machine: ${formatMachine(machineInfo())}`);
  const generator = createEventGenerator({ users: 100_000, seed: 7, runId: "a", behaviour: loadTaobaoBehaviour() });
  const receivedAt = new Date();
  const events = generator.next(TOTAL).flatMap((raw) => {
    const n = normaliseMessage(raw, { receivedAt, settings: DEFAULT_INGEST_SETTINGS });
    return "event" in n ? [n.event] : [];
  });
  const batches: NormalisedEvent[][] = [];
  for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));

  const serverUrl = args["database-url"];
  const dir = mkdtempSync(join(tmpdir(), "siyu-append-"));
  // The real schema, migrated by the product's own migrations; each variant copies events_log.
  const target = serverUrl ? await createServerTestDatabase(serverUrl) : null;
  const database = await openDatabase(target ? { kind: "postgres", url: target.url } : { kind: "pglite", dataDir: join(dir, "migrated") });
  await database.migrate();
  await database.close();
  let pglite: PGlite | null = null;
  let pool: pg.Pool | null = null;
  const conns: Conn[] = [];
  const release: (() => void)[] = [];
  if (target) {
    pool = new pg.Pool({ connectionString: target.url, max: CONCURRENCY });
    for (let i = 0; i < CONCURRENCY; i++) {
      const client = await pool.connect();
      release.push(() => client.release());
      conns.push({
        query: async (text, params) => {
          const r = await client.query(text, params);
          return { rows: r.rows, affectedRows: r.rowCount ?? 0 };
        },
      });
    }
  } else {
    pglite = await PGlite.create({ dataDir: join(dir, "migrated", "pg") });
    const client = pglite;
    conns.push({
      query: async (text, params, blob) => {
        const r = await client.query(text, params, blob ? { blob } : undefined);
        return { rows: r.rows, affectedRows: r.affectedRows };
      },
    });
  }
  const store = target ? "PostgreSQL server" : "embedded PGlite (file-backed)";
  console.log(`${store}: ${fmt(events.length)} events (${fmt(rowsJson(events.slice(0, 1000)).length / 1000)} bytes each as JSON) in batches of ${fmt(BATCH)}.`);
  console.log("");
  console.log("| variant | events/s | vs current |");
  console.log("|---|---|---|");
  let baseline = 0;
  let index = 0;
  for (const variant of VARIANTS) {
    if (variant.pgliteOnly && target) continue;
    index += 1;
    const table = `bench_log_${index}`;
    const main = conns[0]!;
    await main.query(`drop table if exists ${table}`);
    await main.query(`create table ${table} (like events_log including all)`);
    // LIKE … INCLUDING ALL names the copied indexes after the new table; find the ts one.
    const tsIndex = (await main.query(`select indexname from pg_indexes where tablename = '${table}' and indexdef like '%(workspace_id, ts)%'`)).rows[0] as
      | { indexname: string }
      | undefined;
    for (const ddl of variant.setup ?? []) {
      await main.query(ddl.replace("{table}_ts_idx", tsIndex?.indexname ?? "none").replaceAll("{table}", table));
    }
    const started = performance.now();
    let appended = 0;
    if (target) {
      // Several appenders at once, as several HTTP requests would: the advisory lock serialises them.
      let next = 0;
      await Promise.all(
        conns.map(async (conn) => {
          while (next < batches.length) {
            const n = await variant.append(conn, table, batches[next++]!);
            appended += n;
          }
        }),
      );
    } else {
      for (const batch of batches) appended += await variant.append(main, table, batch);
    }
    const seconds = (performance.now() - started) / 1000;
    if (appended !== events.length) throw new Error(`${variant.name}: appended ${appended} of ${events.length}`);
    const rate = appended / seconds;
    if (!baseline) baseline = rate;
    console.log(`| ${variant.name} | ${fmt(rate)} | ${fmt(rate / baseline, 2)}× |`);
    await main.query(`drop table ${table}`);
  }
  if (target) {
    // The lock's price on a server: the same appends from several connections, without it.
    const table = "bench_log_nolock";
    await conns[0]!.query(`create table ${table} (like events_log including all)`);
    const started = performance.now();
    let next = 0;
    let appended = 0;
    await Promise.all(
      conns.map(async (conn) => {
        while (next < batches.length) {
          const batch = batches[next++]!;
          const n = await inTransaction(conn, async () => count(await conn.query(RECORDSET(table, true), [WORKSPACE, rowsJson(batch)]), true));
          appended += n;
        }
      }),
    );
    const rate = appended / ((performance.now() - started) / 1000);
    console.log(`| without the advisory lock (${CONCURRENCY} connections; unsafe for consumers as written) | ${fmt(rate)} | ${fmt(rate / baseline, 2)}× |`);
  }
  await pglite?.close();
  for (const r of release) r();
  await pool?.end();
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
}

await main();
