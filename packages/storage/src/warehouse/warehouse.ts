import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from "@duckdb/node-api";

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
  run(sql: string, params?: DuckDBValue[]): Promise<void>;
  migrate(): Promise<string[]>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
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
  function serial<T>(work: (c: DuckDBConnection) => Promise<T>): Promise<T> {
    const next = tail.then(() => work(connection));
    tail = next.catch(() => undefined);
    return next;
  }
  const warehouse: Warehouse = {
    kind: "duckdb",
    query: <T>(sql: string, params?: DuckDBValue[]) =>
      serial(async (c) => {
        const reader = await c.runAndReadAll(sql, params);
        return reader.getRowObjectsJS() as T[];
      }),
    run: (sql, params) =>
      serial(async (c) => {
        await c.run(sql, params);
      }),
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
