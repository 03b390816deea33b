import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openDatabase, type Database } from "./database";
import { staleTables } from "./embedded-maintenance";

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
    expect((await staleTables(store.db, { growth: 1, minPages: 8 })).map((t) => t.table)).not.toContain("journey_runs");
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
