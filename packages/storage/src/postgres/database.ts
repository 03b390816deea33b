import { AsyncLocalStorage } from "node:async_hooks";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import pg from "pg";
import { lockDataDir, type DataDirLock } from "./data-dir-lock";
import { maintainTables, type MaintainedTable, type MaintenanceOptions } from "./embedded-maintenance";
import { preparedQueries } from "./pglite-statements";
import { DEFAULT_NAMED_STATEMENTS, serverClient, StatementNames } from "./server-statements";
import { StorageError } from "../storage.errors";

/**
 * The system of record as every module sees it: one Drizzle PgDatabase, whichever
 * driver sits below. A transaction handle is a Db too, so services take either.
 */
export type Db = PgDatabase<PgQueryResultHKT>;

export type DatabaseConfig =
  /** `template`: an in-memory store starts from this data directory (a `dumpPgliteTemplate` tarball) instead of an empty one. */
  | { kind: "pglite"; dataDir: string | null; template?: Blob }
  /** `namedStatements`: how many statement texts run named (server-statements.ts; default 400, 0 = none). */
  | { kind: "postgres"; url: string; poolSize?: number; namedStatements?: number };

export interface Database {
  readonly kind: DatabaseConfig["kind"];
  readonly db: Db;
  /** Runs the schema migrations that have not run yet; safe to call on every start. */
  migrate(): Promise<void>;
  ping(): Promise<boolean>;
  /**
   * Vacuums and analyses the tables that changed enough since their last analyse (the embedded
   * store has no autovacuum); a PostgreSQL server's autovacuum does this itself, so there it does nothing.
   */
  maintain(options?: MaintenanceOptions): Promise<MaintainedTable[]>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = join(fileURLToPath(new URL(".", import.meta.url)), "../../migrations/postgres");

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === "pglite" ? openPglite(config.dataDir, config.template) : openPostgres(config.url, config.poolSize ?? 10, config.namedStatements ?? DEFAULT_NAMED_STATEMENTS);
}

/** A migrated, empty in-memory store as a tarball: what `template` starts from (tests open hundreds of stores). */
export async function dumpPgliteTemplate(): Promise<Blob> {
  const client = await PGlite.create({});
  try {
    await runMigrations(() => migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER }));
    return await client.dumpDataDir("none");
  } finally {
    await client.close();
  }
}

async function openPglite(dataDir: string | null, template?: Blob): Promise<Database> {
  let lock: DataDirLock | null = null;
  if (dataDir) lock = lockDataDir(dataDir);
  let client: PGlite;
  try {
    client = await PGlite.create(dataDir ? { dataDir: join(dataDir, "pg") } : template ? { loadDataDir: template } : {});
  } catch (error) {
    lock?.release();
    throw error;
  }
  // Statements are prepared once and planned per run with its values, as unnamed ones are.
  await client.exec("set plan_cache_mode = force_custom_plan");
  const db = drizzlePglite(embeddedClient(client)) as unknown as Db;
  return {
    kind: "pglite",
    db,
    async migrate() {
      await runMigrations(() => migratePglite(drizzlePglite(client), { migrationsFolder: MIGRATIONS_FOLDER }));
    },
    async ping() {
      if (client.closed) return false;
      await client.query("select 1");
      return true;
    },
    maintain: (options) => maintainTables(db, options),
    async close() {
      try {
        if (!client.closed) await client.close();
      } finally {
        lock?.release();
      }
    },
  };
}

const insideTransaction = new AsyncLocalStorage<true>();

/**
 * The PGlite client the application's Drizzle handle sees: data statements run prepared, in one
 * round trip each (pglite-statements.ts), and a re-entrant query fails at once. PGlite is one
 * connection: while a transaction holds it, a query on the outer handle from inside that
 * transaction's own work would wait for it forever; the error names the fix instead.
 */
function embeddedClient(client: PGlite): PGlite {
  const prepared = preparedQueries(client);
  const check = () => {
    if (insideTransaction.getStore()) {
      throw new Error("Query on the outer database handle inside a transaction: use the transaction's handle (PGlite has one connection).");
    }
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property === "query") {
        return (...args: Parameters<PGlite["query"]>) => {
          check();
          return prepared.query(...args);
        };
      }
      if (property === "exec" || property === "sql") {
        return (...args: unknown[]) => {
          check();
          return (target[property] as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      if (property === "transaction") {
        return <T>(work: (tx: Parameters<Parameters<PGlite["transaction"]>[0]>[0]) => Promise<T>) => {
          check();
          return prepared.transaction((tx) => insideTransaction.run(true, () => work(tx)));
        };
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

async function openPostgres(url: string, poolSize: number, namedStatements: number): Promise<Database> {
  // Plans made per run with its values, as on the embedded store; a group-committed batch allows generic ones (server-statements.ts).
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    options: "-c plan_cache_mode=force_custom_plan",
    // With `namedStatements` 0 it names nothing; it still sends transactions' settings with their BEGIN
    // and pipelines what is not waited for (server-statements.ts), for which the clients run in pg's pipeline mode.
    Client: serverClient(new StatementNames(namedStatements)),
    pipeline: true,
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  try {
    await pool.query("select 1");
  } catch (error) {
    await pool.end();
    throw new StorageError(
      "storage.unreachable",
      `Cannot reach PostgreSQL at ${redact(url)}: ${(error as Error).message}`,
    );
  }
  const drizzled = drizzlePg(pool);
  return {
    kind: "postgres",
    db: drizzled as unknown as Db,
    async migrate() {
      await runMigrations(() => migratePg(drizzled, { migrationsFolder: MIGRATIONS_FOLDER }));
    },
    async ping() {
      await pool.query("select 1");
      return true;
    },
    maintain: async () => [],
    async close() {
      await pool.end();
    },
  };
}

async function runMigrations(run: () => Promise<void>): Promise<void> {
  try {
    await run();
  } catch (error) {
    throw new StorageError("storage.migration_failed", `Schema migration failed: ${(error as Error).message}`);
  }
}

/** Hides the password of a connection URL in messages and logs. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "<invalid url>";
  }
}

export { sql };
