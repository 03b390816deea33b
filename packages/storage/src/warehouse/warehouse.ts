import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  DuckDBDataChunk,
  DuckDBInstance,
  DuckDBTypeId,
  DuckDBUUIDVector,
  INTEGER,
  TIMESTAMPTZ,
  VARCHAR,
  timestampTZValue,
  type DuckDBConnection,
  type DuckDBResultReader,
  type DuckDBType,
  type DuckDBValue,
} from "@duckdb/node-api";

export const WAREHOUSE_MIGRATIONS_FOLDER = join(
  fileURLToPath(new URL(".", import.meta.url)),
  "../../migrations/warehouse",
);

/**
 * The event warehouse: every analytical query goes through this interface, so a
 * ClickHouse backend can stand in for DuckDB when one machine is not enough.
 */
export interface Warehouse {
  readonly kind: "duckdb";
  query<T = Record<string, unknown>>(sql: string, params?: DuckDBValue[]): Promise<T[]>;
  /**
   * Streams a result a chunk of rows at a time, column-wise: no object per row, for reading millions
   * of numbers and keys (the in-memory event sequences). `visit` must not keep the chunk.
   */
  scan(sql: string, params: DuckDBValue[], visit: (chunk: WarehouseChunk) => void): Promise<number>;
  run(sql: string, params?: DuckDBValue[]): Promise<void>;
  /**
   * Resolves once DuckDB is at work on the calls queued so far: the first of them not yet ended has
   * its statement running on DuckDB's threads (a `query`), or it has ended (the others), or none is
   * left. A statement takes a few turns of the event loop to be parsed and prepared before it runs,
   * which a long computation on this thread would hold back: a caller that queues its queries,
   * awaits this, then computes, has the first query run meanwhile.
   */
  started(): Promise<void>;
  /**
   * Runs `work` in one transaction: everything it wrote commits together, or — when
   * it throws — nothing does. The connection is held for the whole call, so keep
   * `work` short (read other stores first) and use only `tx` inside it: calling
   * this warehouse's own methods from `work` would wait for `work` itself.
   */
  transaction<T>(work: (tx: WarehouseTransaction) => Promise<T>): Promise<T>;
  migrate(): Promise<string[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** One chunk of a scanned result (at most 2,048 rows). */
export interface WarehouseChunk {
  readonly rowCount: number;
  /** A numeric column's value: INTEGER, DOUBLE and the other number types; BIGINT as a Number. Null when null. */
  number(column: number, row: number): number | null;
  /** A VARCHAR column's value; null when null. */
  text(column: number, row: number): string | null;
  /**
   * A non-null UUID column's 128 bits as four 32-bit words, written to out[at … at + 3] — an exact key
   * for a hash table, read without making a string; uuidFromWords gives its text back.
   */
  uuidWords(column: number, row: number, out: Uint32Array, at: number): void;
}

/** A value for one column of an appended row; UUID and JSON columns take strings. */
export type WarehouseCell = string | number | bigint | boolean | Date | null;

export interface WarehouseTransaction {
  query<T = Record<string, unknown>>(sql: string, params?: DuckDBValue[]): Promise<T[]>;
  run(sql: string, params?: DuckDBValue[]): Promise<void>;
  /** As `Warehouse.scan`, inside the transaction (its snapshot). */
  scan(sql: string, params: DuckDBValue[], visit: (chunk: WarehouseChunk) => void): Promise<number>;
  /**
   * Appends rows (cells in the table's column order) through DuckDB's appender, a
   * column-wise chunk at a time: no SQL statement per row. Returns the rows appended.
   */
  append(table: string, rows: readonly (readonly WarehouseCell[])[]): Promise<number>;
}

export async function openWarehouse(config: { dataDir: string | null }): Promise<Warehouse> {
  let path = ":memory:";
  if (config.dataDir) {
    mkdirSync(config.dataDir, { recursive: true });
    path = join(config.dataDir, "warehouse.duckdb");
  }
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  let closed = false;
  // One connection, one statement at a time: queue calls so callers need not care.
  let tail: Promise<unknown> = Promise.resolve();
  // For `started`: the calls not yet ended, in order, each with when it reached DuckDB (a query says so
  // as its statement starts running; the others when they end).
  const queued: Promise<void>[] = [];
  function serial<T>(work: (c: DuckDBConnection, running: () => void) => Promise<T>): Promise<T> {
    let running!: () => void;
    queued.push(new Promise<void>((resolve) => (running = resolve)));
    const next = tail.then(() => work(connection, running));
    tail = next.catch(() => undefined).then(() => {
      queued.shift();
      running();
    });
    return next;
  }
  const warehouse: Warehouse = {
    kind: "duckdb",
    query: <T>(sql: string, params?: DuckDBValue[]) => serial(async (c, running) => (await readAll(c, sql, params, running)).getRowObjectsJS() as T[]),
    scan: (sql, params, visit) => serial((c) => scanRows(c, sql, params, visit)),
    run: (sql, params) =>
      serial(async (c) => {
        await c.run(sql, params);
      }),
    transaction: (work) =>
      serial(async (c) => {
        await c.run("begin transaction");
        const tx = openTransaction(c);
        try {
          const result = await work(tx.handle);
          tx.end();
          await c.run("commit");
          return result;
        } catch (error) {
          tx.end();
          // After a failed commit DuckDB has already rolled back; then there is nothing left to undo.
          await c.run("rollback").catch(() => undefined);
          throw error;
        }
      }),
    started: () => queued[0] ?? Promise.resolve(),
    migrate: () => serial((c) => applyWarehouseMigrations(c)),
    async ping() {
      if (closed) return false;
      await warehouse.query("select 1");
      return true;
    },
    async close() {
      if (closed) return;
      closed = true;
      await tail;
      connection.closeSync();
      instance.closeSync();
    },
  };
  return warehouse;
}

/** As `runAndReadAll`, calling `running` when the (last) statement starts to run on DuckDB's threads. */
async function readAll(c: DuckDBConnection, sql: string, params: DuckDBValue[] | undefined, running: () => void): Promise<DuckDBResultReader> {
  const statements = await c.extractStatements(sql);
  for (let i = 0; i < statements.count - 1; i++) {
    const prepared = await statements.prepare(i);
    try {
      await prepared.run();
    } finally {
      prepared.destroySync();
    }
  }
  const prepared = await statements.prepare(statements.count - 1);
  try {
    if (params) prepared.bind(params);
    const reading = prepared.runAndReadAll();
    running();
    return await reading;
  } finally {
    prepared.destroySync();
  }
}

function openTransaction(c: DuckDBConnection): { handle: WarehouseTransaction; end(): void } {
  let open = true;
  const check = () => {
    if (!open) throw new Error("This warehouse transaction has ended");
  };
  return {
    end: () => {
      open = false;
    },
    handle: {
      async query<T>(sql: string, params?: DuckDBValue[]) {
        check();
        return (await c.runAndReadAll(sql, params)).getRowObjectsJS() as T[];
      },
      async run(sql, params) {
        check();
        await c.run(sql, params);
      },
      async scan(sql, params, visit) {
        check();
        return scanRows(c, sql, params, visit);
      },
      async append(table, rows) {
        check();
        return appendRows(c, table, rows);
      },
    },
  };
}

async function scanRows(c: DuckDBConnection, sql: string, params: DuckDBValue[], visit: (chunk: WarehouseChunk) => void): Promise<number> {
  const result = await c.stream(sql, params);
  let rows = 0;
  for (;;) {
    const chunk = await result.fetchChunk();
    if (!chunk || chunk.rowCount === 0) return rows;
    rows += chunk.rowCount;
    visit(chunkReader(chunk));
  }
}

// DuckDB's standard vector size: one data chunk holds at most this many rows.
const CHUNK_ROWS = 2048;

async function appendRows(c: DuckDBConnection, table: string, rows: readonly (readonly WarehouseCell[])[]): Promise<number> {
  if (rows.length === 0) return 0;
  const appender = await c.createAppender(table);
  try {
    const types = Array.from({ length: appender.columnCount }, (_, i) => chunkTypeOf(appender.columnType(i)));
    for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
      const slice = rows.slice(start, start + CHUNK_ROWS);
      const bad = slice.findIndex((row) => row.length !== types.length);
      if (bad !== -1) {
        throw new Error(`Row ${start + bad} for ${table} has ${slice[bad]!.length} cells; the table has ${types.length} columns`);
      }
      const chunk = DuckDBDataChunk.create(types, slice.length);
      chunk.setColumns(types.map((type, column) => slice.map((row) => toChunkValue(row[column]!, type))));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } catch (error) {
    // Closing flushes too: after a failure that would only raise a second error, hiding the first.
    try {
      appender.closeSync();
    } catch {
      // the first error is the one to report
    }
    throw error;
  }
  appender.closeSync();
  return rows.length;
}

/** Chunks carry native values for the types below; the appender casts VARCHAR to the rest (UUID, JSON …). */
function chunkTypeOf(type: DuckDBType): DuckDBType {
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
      return BIGINT;
    case DuckDBTypeId.INTEGER:
      return INTEGER;
    case DuckDBTypeId.DOUBLE:
      return DOUBLE;
    case DuckDBTypeId.BOOLEAN:
      return BOOLEAN;
    case DuckDBTypeId.TIMESTAMP_TZ:
      return TIMESTAMPTZ;
    default:
      return VARCHAR;
  }
}

function toChunkValue(cell: WarehouseCell, type: DuckDBType): DuckDBValue {
  if (cell === null) return null;
  switch (type.typeId) {
    case DuckDBTypeId.BIGINT:
      return typeof cell === "bigint" ? cell : BigInt(typeof cell === "number" ? Math.trunc(cell) : String(cell));
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.DOUBLE:
      return Number(cell);
    case DuckDBTypeId.BOOLEAN:
      return Boolean(cell);
    case DuckDBTypeId.TIMESTAMP_TZ: {
      // bigint = microseconds since the epoch; a Date or a string has millisecond precision.
      if (typeof cell === "bigint") return timestampTZValue(cell);
      const ms = cell instanceof Date ? cell.getTime() : new Date(cell as string | number).getTime();
      if (Number.isNaN(ms)) throw new Error(`Not a timestamp: ${String(cell)}`);
      return timestampTZValue(BigInt(ms) * 1000n);
    }
    default:
      return cell instanceof Date ? cell.toISOString() : String(cell);
  }
}

function chunkReader(chunk: DuckDBDataChunk): WarehouseChunk {
  const vectors = Array.from({ length: chunk.columnCount }, (_, i) => chunk.getColumnVector(i));
  return {
    rowCount: chunk.rowCount,
    number(column, row) {
      const value = vectors[column]!.getItem(row);
      return value === null ? null : Number(value);
    },
    text(column, row) {
      const value = vectors[column]!.getItem(row);
      return value === null ? null : String(value);
    },
    uuidWords(column, row, out, at) {
      // A UUID vector holds each value as DuckDB stores it: a little-endian 128-bit integer, the UUID's
      // big-endian bits with the top one flipped (so that signed order is UUID order).
      const view = (vectors[column] as unknown as { dataView?: DataView }).dataView;
      if (!(vectors[column] instanceof DuckDBUUIDVector) || !view) throw new Error(`Column ${column} is not a UUID column`);
      const offset = row * 16;
      out[at] = view.getUint32(offset, true);
      out[at + 1] = view.getUint32(offset + 4, true);
      out[at + 2] = view.getUint32(offset + 8, true);
      out[at + 3] = (view.getUint32(offset + 12, true) ^ 0x8000_0000) >>> 0;
    },
  };
}

/** The text of a UUID from its four words (uuidWords: least significant first). */
export function uuidFromWords(words: ArrayLike<number>, at = 0): string {
  const hex = (w: number) => (w >>> 0).toString(16).padStart(8, "0");
  const s = hex(words[at + 3]!) + hex(words[at + 2]!) + hex(words[at + 1]!) + hex(words[at]!);
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** Warehouse DDL lives in timestamped .sql files; this runner records which ran. */
async function applyWarehouseMigrations(c: DuckDBConnection): Promise<string[]> {
  await c.run(
    "create table if not exists _siyu_warehouse_migrations (name varchar primary key, applied_at timestamptz not null default now())",
  );
  const done = new Set(
    ((await c.runAndReadAll("select name from _siyu_warehouse_migrations")).getRowObjectsJS() as { name: string }[]).map(
      (r) => r.name,
    ),
  );
  const files = readdirSync(WAREHOUSE_MIGRATIONS_FOLDER)
    .filter((f) => f.endsWith(".sql"))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file)) continue;
    const ddl = readFileSync(join(WAREHOUSE_MIGRATIONS_FOLDER, file), "utf8");
    await c.run("begin transaction");
    try {
      await c.run(ddl);
      await c.run("insert into _siyu_warehouse_migrations (name) values ($1)", [file]);
      await c.run("commit");
    } catch (error) {
      await c.run("rollback");
      throw new Error(`Warehouse migration ${file} failed: ${(error as Error).message}`);
    }
    applied.push(file);
  }
  return applied;
}
