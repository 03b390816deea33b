import { sql } from "@siyu/storage/orm";
import { openTestDatabase, recordingPlans, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { profilesMergedInto, resolveLiveProfiles } from "./profiles.repository";

/**
 * Following merges to the live profile is on the path of every member call and group-committed batch:
 * it must stay a handful of primary-key probes however many profiles the workspace has, with the
 * planner's statistics or without them.
 */
let database: TestDatabase;
const W1 = "01900000-0000-7000-8000-00000000a001";
const W2 = "01900000-0000-7000-8000-00000000a002";
// In W1: C merged into B, B merged into A (two hops); D merged into A; L live.
const A = "01900000-0000-7000-8000-0000000000a1";
const B = "01900000-0000-7000-8000-0000000000b1";
const C = "01900000-0000-7000-8000-0000000000c1";
const D = "01900000-0000-7000-8000-0000000000d1";
const L = "01900000-0000-7000-8000-0000000000e1";
const OTHER = "01900000-0000-7000-8000-0000000000f1"; // a profile of W2

async function insertProfiles(rows: string) {
  await database.db.execute(sql.raw(`insert into profiles (id, workspace_id, merged_into, traits, created_at, updated_at) values ${rows}`));
}

beforeAll(async () => {
  database = await openTestDatabase();
  // 60,000 profiles of one workspace with traits, one in a hundred merged into another: the size at
  // which, as a join, the planner chose to hash every profile of the workspace on every call.
  await database.db.execute(sql`
    insert into profiles (id, workspace_id, traits, created_at, updated_at)
    select gen_random_uuid(), ${W1}::uuid, jsonb_build_object('name', 'member ' || g, 'city', 'Hangzhou', 'n', g), now(), now()
    from generate_series(1, 60000) g`);
  await database.db.execute(sql`
    update profiles p set merged_into = m.target from (
      select id, lead(id) over (order by id) as target, row_number() over (order by id) as n from profiles where workspace_id = ${W1}::uuid
    ) m where p.id = m.id and m.n % 100 = 0`);
  const now = "now(), now()";
  await insertProfiles(`('${A}', '${W1}', null, '{}', ${now}), ('${B}', '${W1}', '${A}', '{}', ${now}), ('${C}', '${W1}', '${B}', '{}', ${now}),
    ('${D}', '${W1}', '${A}', '{}', ${now}), ('${L}', '${W1}', null, '{}', ${now}), ('${OTHER}', '${W2}', null, '{}', ${now})`);
  await database.db.execute(sql`analyze profiles`);
}, 120_000);
afterAll(async () => {
  await database?.close();
});

describe(`live profiles (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("follows every merge to the live profile and leaves out ids of no profile of the workspace", async () => {
    const live = await resolveLiveProfiles(database.db, W1, [A, B, C, D, L, OTHER, "01900000-0000-7000-8000-000000000999", "not-a-uuid"]);
    expect(Object.fromEntries(live)).toEqual({ [A]: A, [B]: A, [C]: A, [D]: A, [L]: L });
  });

  it("lists a live customer's merged profiles, at any depth, by probes of the merged-into index", async () => {
    const { db, plans } = recordingPlans(database.db);
    const found = (await db.execute(sql`select id, live_id from ${profilesMergedInto(W1, [A, L])} m order by id`)) as unknown as { rows: { id: string; live_id: string }[] };
    expect(found.rows.map((r) => [r.id, r.live_id])).toEqual([[A, A], [B, A], [C, A], [D, A], [L, L]].sort());
    const steps = plans[0]!.plan.split("\n").filter((l) => /Scan|Join|Loop/.test(l)).map((l) => l.replace(/^[\s>-]+|\s+\(cost=.*$/g, ""));
    expect(steps).not.toContainEqual(expect.stringMatching(/Seq Scan on profiles|Hash Join/));
    expect(steps).toContainEqual(expect.stringMatching(/Index Scan using profiles_merged_into_idx on profiles/));
  });

  it("reaches each profile and each merge by a primary-key probe, never a scan of the workspace", async () => {
    const sample = (await database.db.execute(sql`
      select id from profiles where workspace_id = ${W1}::uuid order by id limit 300 offset 1000`)) as unknown as { rows: { id: string }[] };
    const ids = [...sample.rows.map((r) => r.id), C];
    const { db, plans } = recordingPlans(database.db);
    const live = await resolveLiveProfiles(db, W1, ids);
    expect(live.get(C)).toBe(A);
    expect(live.size).toBe(ids.length);
    expect(plans).toHaveLength(1);
    // The plan's scans and joins, without costs: each a probe of one key, none of the workspace.
    const steps = plans[0]!.plan.split("\n").filter((l) => /Scan|Join|Loop/.test(l)).map((l) => l.replace(/^[\s>-]+|\s+\(cost=.*$/g, ""));
    expect(steps).not.toContainEqual(expect.stringMatching(/Seq Scan on profiles|Hash Join/));
    expect(steps).toContainEqual(expect.stringMatching(/^Index Scan using profiles_(pkey|workspace_idx) on profiles/));
  });
});
