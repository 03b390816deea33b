import { sql } from "drizzle-orm";
import type { Db } from "./database";

/**
 * What PostgreSQL's autovacuum does for a server, done by hand for the embedded store: PGlite runs
 * a single backend with no autovacuum, so without this its tables are never analysed (the planner
 * guesses every row count: a lookup by `(journey_id, entry_key)` scanned every run of the journey
 * instead of probing the unique index), never vacuumed (dead row versions of updated rows stay in
 * the indexes for good) and never frozen (after 2³¹ transactions, rows no vacuum froze would seem
 * to come from the future and vanish: a workspace row written on day one and never updated, say).
 */
export interface MaintenanceOptions {
  /** A table is processed once its size moved by this share of its size at the last analyse (autovacuum's scale factor is 0.1). */
  growth: number;
  /** … and by at least this many 8 kB pages, so small tables are not analysed on every change. */
  minPages: number;
  /**
   * The analyse's `default_statistics_target`: it samples 300 × this many rows of each table and keeps
   * up to this many common values and histogram buckets per column. The embedded store's one
   * connection waits for each analyse, whose time is the sample's: 10 (PostgreSQL's default until
   * 8.4) analyses a table 8–10× faster than the server's 100, and is plenty for the lookups by key and
   * the few-valued status columns the store's plans depend on.
   */
  statisticsTarget: number;
  /**
   * A table, the system catalogs' included, whose oldest unfrozen transaction id is this many
   * transactions old is vacuumed with FREEZE, whether it changed or not (autovacuum_freeze_max_age,
   * whose default this is).
   */
  freezeAge: number;
}

export const DEFAULT_MAINTENANCE_OPTIONS: MaintenanceOptions = { growth: 0.1, minPages: 8, statisticsTarget: 10, freezeAge: 200_000_000 };

export interface StaleTable {
  schema: string;
  table: string;
  /** Pages at the last analyse (0: never analysed). */
  pagesBefore: number;
  pages: number;
  /** Its statistics are stale (never analysed, or grown or shrunk past the threshold). */
  analyze: boolean;
  /** Its oldest unfrozen transaction id is `freezeAge` old. */
  freeze: boolean;
}

export interface MaintainedTable extends StaleTable {
  /** Time of the vacuum and of the analyse (null: not analysed): each a statement of its own, the connection free between them. */
  vacuumMs: number;
  analyzeMs: number | null;
}

/**
 * The tables to process: the store's own whose statistics are stale (never analysed with rows in
 * them, or grown or shrunk past the threshold), and any table, catalogs included, due for freezing.
 */
export async function staleTables(db: Db, options: MaintenanceOptions = DEFAULT_MAINTENANCE_OPTIONS): Promise<StaleTable[]> {
  const freezeAge = Math.trunc(options.freezeAge);
  const result = (await db.execute(sql`
    select n.nspname as schema, c.relname as table, greatest(c.relpages, 0)::int as pages_before, c.reltuples < 0 as never,
      (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages,
      n.nspname = current_schema() as own, age(c.relfrozenxid) >= ${freezeAge}::int as freeze
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'm') and (n.nspname = current_schema() or age(c.relfrozenxid) >= ${freezeAge}::int)
    order by n.nspname <> current_schema(), n.nspname, c.relname`)) as unknown as {
    rows: { schema: string; table: string; pages_before: number; never: boolean; pages: number; own: boolean; freeze: boolean }[];
  };
  const stale = (r: (typeof result.rows)[number]) => {
    if (!r.own || r.pages === 0) return false;
    if (r.never) return true;
    const moved = Math.abs(r.pages - r.pages_before);
    return moved >= options.minPages && moved >= options.growth * r.pages_before;
  };
  return result.rows
    .map((r) => ({ schema: r.schema, table: r.table, pagesBefore: r.pages_before, pages: r.pages, analyze: stale(r), freeze: r.freeze }))
    .filter((t) => t.analyze || t.freeze);
}

/**
 * Vacuums (with FREEZE when due), then analyses (when stale) each table staleTables names: a
 * statement each (the single connection is free for other work between them), the analyse
 * sampling as `statisticsTarget` says. Returns what was done, for the log.
 */
export async function maintainTables(db: Db, options: MaintenanceOptions = DEFAULT_MAINTENANCE_OPTIONS): Promise<MaintainedTable[]> {
  const target = options.statisticsTarget;
  if (!Number.isInteger(target) || target < 1 || target > 10_000) throw new RangeError(`statisticsTarget must be an integer from 1 to 10000, not ${target}`);
  if (!Number.isInteger(options.freezeAge) || options.freezeAge < 1 || options.freezeAge > 2_000_000_000) {
    throw new RangeError(`freezeAge must be an integer from 1 to 2000000000, not ${options.freezeAge}`);
  }
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const done: MaintainedTable[] = [];
  for (const t of await staleTables(db, options)) {
    const name = `${quote(t.schema)}.${quote(t.table)}`;
    const started = performance.now();
    await db.execute(sql.raw(`vacuum ${t.freeze ? "(freeze) " : ""}${name}`));
    const vacuumed = performance.now();
    if (t.analyze) {
      await db.transaction(async (tx) => {
        await tx.execute(sql.raw(`set local default_statistics_target = ${target}`));
        await tx.execute(sql.raw(`analyze ${name}`));
      });
    }
    done.push({ ...t, vacuumMs: Math.round(vacuumed - started), analyzeMs: t.analyze ? Math.round(performance.now() - vacuumed) : null });
  }
  return done;
}
