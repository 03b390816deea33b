import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "./database";
import { DEFAULT_MAINTENANCE_OPTIONS, staleTables } from "./embedded-maintenance";

let store: Database;
beforeAll(async () => {
  store = await openDatabase({ kind: "pglite", dataDir: null });
  await store.migrate();
});
afterAll(() => store.close());

const JOURNEY = "01900000-0000-7000-8000-000000000001";

/** `n` finished runs of one journey, each with its own entry key. */
async function addRuns(target: Database, from: number, n: number) {
  await target.db.execute(sql`
    insert into journey_runs (id, workspace_id, journey_id, version, profile_id, status, holdout, entry_key, entered_at, trigger_kind, trigger_properties, triggered_at, context, updated_at)
    select gen_random_uuid(), ${JOURNEY}::uuid, ${JOURNEY}::uuid, 1, gen_random_uuid(), 'completed', false, 'event:' || g, now(), 'event', '{}', now(), '{}', now()
    from generate_series(${from}::int, ${from + n - 1}::int) g`);
}

/** The plan of a "which of these entry keys are used" lookup through `= any(array)`, which needs statistics to probe the unique index. */
async function entryKeyPlan(target: Database): Promise<string> {
  const keys = JSON.stringify(Array.from({ length: 200 }, (_, i) => `event:${i * 7}`));
  const result = (await target.db.execute(
    sql`explain select entry_key from journey_runs where journey_id = ${JOURNEY}::uuid and entry_key = any(array(select jsonb_array_elements_text(${keys}::jsonb)))`,
  )) as unknown as { rows: { "QUERY PLAN": string }[] };
  return result.rows.map((r) => r["QUERY PLAN"]).join("\n");
}

describe("embedded store maintenance", () => {
  it("analyses tables that were never analysed, then only those that grew past the threshold", async () => {
    await addRuns(store, 0, 5_000);
    expect((await staleTables(store.db)).map((t) => t.table)).toContain("journey_runs");

    const done = await store.maintain();
    const runs = done.find((t) => t.table === "journey_runs");
    expect(runs).toMatchObject({ pagesBefore: 0 });
    expect(runs!.pages).toBeGreaterThan(8);
    expect(await staleTables(store.db)).toEqual([]);

    // A few rows more: under 10 % of the table, nothing to do.
    await addRuns(store, 5_000, 100);
    expect((await staleTables(store.db)).map((t) => t.table)).not.toContain("journey_runs");
    // Half as many again: analysed again.
    await addRuns(store, 5_100, 2_500);
    expect((await staleTables(store.db)).map((t) => t.table)).toContain("journey_runs");
    expect((await staleTables(store.db, { ...DEFAULT_MAINTENANCE_OPTIONS, growth: 1 })).map((t) => t.table)).not.toContain("journey_runs");
  });

  it("analyses with the statistics target it is given, which sets the sample and the histogram's size", async () => {
    // The histogram of the 5,000 distinct entry keys has as many buckets as the target.
    const histogramBounds = async (target: Database) => {
      const result = (await target.db.execute(
        sql`select array_length(histogram_bounds::text::text[], 1) as n from pg_stats where tablename = 'journey_runs' and attname = 'entry_key'`,
      )) as unknown as { rows: { n: number }[] };
      return result.rows[0]!.n;
    };
    const fresh = await openDatabase({ kind: "pglite", dataDir: null });
    try {
      await fresh.migrate();
      await addRuns(fresh, 0, 5_000);
      const [runs] = (await fresh.maintain()).filter((t) => t.table === "journey_runs");
      expect(runs!.vacuumMs).toBeGreaterThanOrEqual(0);
      expect(runs!.analyzeMs).toBeGreaterThanOrEqual(0);
      expect(await histogramBounds(fresh)).toBe(11); // the default target, 10 buckets
      // Grown past the threshold, analysed again with a larger target: a finer histogram.
      await addRuns(fresh, 5_000, 5_000);
      await fresh.maintain({ ...DEFAULT_MAINTENANCE_OPTIONS, statisticsTarget: 50 });
      expect(await histogramBounds(fresh)).toBe(51);
      // The session's own target is left as it was.
      const setting = (await fresh.db.execute(sql`select current_setting('default_statistics_target') as v`)) as unknown as { rows: { v: string }[] };
      expect(setting.rows[0]!.v).toBe("100");
      await expect(fresh.maintain({ ...DEFAULT_MAINTENANCE_OPTIONS, statisticsTarget: 0 })).rejects.toThrow(/statisticsTarget/);
    } finally {
      await fresh.close();
    }
  });

  it("freezes every table whose oldest unfrozen transaction is freezeAge old, catalogs and unchanged tables included", async () => {
    const oldest = async (target: Database) => {
      const result = (await target.db.execute(
        sql`select max(age(relfrozenxid))::int as age from pg_class where relkind in ('r', 'm')`,
      )) as unknown as { rows: { age: number }[] };
      return result.rows[0]!.age;
    };
    const fresh = await openDatabase({ kind: "pglite", dataDir: null });
    try {
      await fresh.migrate();
      await fresh.maintain(); // statistics up to date: only age can make a table due now
      for (let i = 0; i < 300; i++) await fresh.db.execute(sql`select pg_current_xact_id()`); // 300 transactions, one id each
      expect(await oldest(fresh)).toBeGreaterThanOrEqual(300);
      const options = { ...DEFAULT_MAINTENANCE_OPTIONS, freezeAge: 250 };
      const due = await staleTables(fresh.db, options);
      expect(due.find((t) => t.table === "workspaces")).toMatchObject({ schema: "public", analyze: false, freeze: true });
      expect(due.find((t) => t.table === "pg_class")).toMatchObject({ schema: "pg_catalog", analyze: false, freeze: true });

      const done = await fresh.maintain(options);
      expect(done.find((t) => t.table === "workspaces")).toMatchObject({ freeze: true, analyzeMs: null });
      expect(await oldest(fresh)).toBeLessThan(50);
      expect(await staleTables(fresh.db, options)).toEqual([]);
      await expect(fresh.maintain({ ...DEFAULT_MAINTENANCE_OPTIONS, freezeAge: 0 })).rejects.toThrow(/freezeAge/);
    } finally {
      await fresh.close();
    }
  });

  it("lets the planner probe the unique (journey, entry key) index instead of reading every run of the journey", async () => {
    // A journey with 2,000 runs, never analysed: the planner takes `journey_id = …` for a handful of
    // rows and reads every run of the journey to find 200 keys.
    const fresh = await openDatabase({ kind: "pglite", dataDir: null });
    try {
      await fresh.migrate();
      await addRuns(fresh, 0, 2_000);
      expect(await entryKeyPlan(fresh)).toMatch(/journey_runs_journey/);
      await fresh.maintain();
      const plan = await entryKeyPlan(fresh);
      expect(plan).toMatch(/journey_runs_entry/);
      expect(plan).not.toMatch(/journey_runs_journey/);
    } finally {
      await fresh.close();
    }
  });
});
