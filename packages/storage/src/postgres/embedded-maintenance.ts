import { sql } from "drizzle-orm";
import type { Db } from "./database";

/**
 * What PostgreSQL's autovacuum does for a server, done by hand for the embedded store: PGlite runs
 * a single backend with no autovacuum, so without this its tables are never analysed (the planner
 * guesses every row count: a lookup by `(journey_id, entry_key)` scanned every run of the journey
 * instead of probing the unique index) and never vacuumed (dead row versions of updated rows stay
 * in the indexes for good).
 */
export interface MaintenanceOptions {
  /** A table is processed once its size moved by this share of its size at the last analyse (autovacuum's scale factor is 0.1). */
  growth: number;
  /** … and by at least this many 8 kB pages, so small tables are not analysed on every change. */
  minPages: number;
}

export const DEFAULT_MAINTENANCE_OPTIONS: MaintenanceOptions = { growth: 0.1, minPages: 8 };

export interface MaintainedTable {
  table: string;
  /** Pages at the last analyse (0: never analysed). */
  pagesBefore: number;
  pages: number;
  ms: number;
}

/** The tables whose statistics are stale: never analysed with rows in them, or grown or shrunk past the threshold. */
export async function staleTables(db: Db, options: MaintenanceOptions = DEFAULT_MAINTENANCE_OPTIONS): Promise<{ table: string; pagesBefore: number; pages: number }[]> {
  const result = (await db.execute(sql`
    select c.relname as table, greatest(c.relpages, 0)::int as pages_before, c.reltuples < 0 as never,
      (pg_relation_size(c.oid) / current_setting('block_size')::int)::int as pages
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind = 'r' and n.nspname = current_schema()
    order by c.relname`)) as unknown as { rows: { table: string; pages_before: number; never: boolean; pages: number }[] };
  return result.rows
    .filter((r) => {
      if (r.pages === 0) return false;
      if (r.never) return true;
      const moved = Math.abs(r.pages - r.pages_before);
      return moved >= options.minPages && moved >= options.growth * r.pages_before;
    })
    .map((r) => ({ table: r.table, pagesBefore: r.pages_before, pages: r.pages }));
}

/**
 * Vacuums and analyses each stale table, one statement per table (the single connection is free
 * for other work between them). Returns what was done, for the log.
 */
export async function maintainTables(db: Db, options: MaintenanceOptions = DEFAULT_MAINTENANCE_OPTIONS): Promise<MaintainedTable[]> {
  const done: MaintainedTable[] = [];
  for (const t of await staleTables(db, options)) {
    const started = performance.now();
    await db.execute(sql.raw(`vacuum (analyze) "${t.table.replaceAll('"', '""')}"`));
    done.push({ ...t, ms: Math.round(performance.now() - started) });
  }
  return done;
}
