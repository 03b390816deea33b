import { sql } from "@siyu/storage/orm";
import { openTestDatabase, recordingPlans, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadProfileFacts } from "./profile-facts";

/**
 * What the dispatcher knows of each customer it sends to: the live profile behind a (possibly merged)
 * id, its addresses and its consents across every profile merged into it — read for a whole batch by
 * probes of the batch's customers, never by scanning a workspace's profiles, identifiers or consents.
 */
let database: TestDatabase;
const W1 = "01900000-0000-7000-8000-00000000b001";
const W2 = "01900000-0000-7000-8000-00000000b002";
const A = "01900000-0000-7000-8000-0000000001a1"; // live
const B = "01900000-0000-7000-8000-0000000001b1"; // merged into A
const OTHER = "01900000-0000-7000-8000-0000000001c1"; // W2, the same email

const exec = (text: string) => database.db.execute(sql.raw(text));

beforeAll(async () => {
  database = await openTestDatabase();
  // 40,000 customers of W1, each with an email and every third with a consent: sizes at which a join
  // on a column the index does not lead with is planned as a scan.
  await database.db.execute(sql`
    insert into profiles (id, workspace_id, traits, created_at, updated_at)
    select gen_random_uuid(), ${W1}::uuid, jsonb_build_object('name', 'member ' || g), now(), now() from generate_series(1, 40000) g`);
  await database.db.execute(sql`
    insert into identity_identifiers (id, workspace_id, type, value, profile_id, origin_profile_id, first_seen_at)
    select gen_random_uuid(), workspace_id, 'email', 'm' || id || '@example.cn', id, id, now() from profiles where workspace_id = ${W1}::uuid`);
  await database.db.execute(sql`
    insert into consents (workspace_id, profile_id, channel, purpose, granted, source, updated_at)
    select workspace_id, id, 'sms', 'marketing', true, 'import', now() from profiles where workspace_id = ${W1}::uuid and get_byte(uuid_send(id), 15) % 3 = 0`);
  const row = (ws: string, id: string, merged: string | null) => `('${id}', '${ws}', ${merged ? `'${merged}'` : "null"}, '{"name": "Lin"}', now(), now())`;
  await exec(`insert into profiles (id, workspace_id, merged_into, traits, created_at, updated_at) values
    ${row(W1, A, null)}, ${row(W1, B, A)}, ${row(W2, OTHER, null)}`);
  await exec(`insert into identity_identifiers (id, workspace_id, type, value, profile_id, origin_profile_id, first_seen_at) values
    (gen_random_uuid(), '${W1}', 'email', 'lin@example.cn', '${A}', '${B}', now()),
    (gen_random_uuid(), '${W1}', 'wecom_external_userid', 'wm-lin', '${A}', '${A}', now()),
    (gen_random_uuid(), '${W2}', 'email', 'lin@example.cn', '${OTHER}', '${OTHER}', now())`);
  // B agreed to marketing texts before the merge; A, later, said no; only B agreed to service email.
  await exec(`insert into consents (workspace_id, profile_id, channel, purpose, granted, source, updated_at) values
    ('${W1}', '${B}', 'sms', 'marketing', true, 'mini-program', '2026-03-01T00:00:00Z'),
    ('${W1}', '${A}', 'sms', 'marketing', false, 'reply keyword', '2026-06-01T00:00:00Z'),
    ('${W1}', '${B}', 'email', 'service', true, 'mini-program', '2026-03-01T00:00:00Z'),
    ('${W2}', '${OTHER}', 'email', 'marketing', true, 'import', '2026-03-01T00:00:00Z')`);
  for (const table of ["profiles", "identity_identifiers", "consents"]) await exec(`analyze ${table}`);
}, 120_000);
afterAll(async () => {
  await database?.close();
});

describe(`profile facts (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("answers a merged id with the live customer, its addresses and the newest consent of each of its profiles", async () => {
    const facts = await loadProfileFacts(database.db, [B, OTHER]);
    const lin = facts.get(B)!;
    expect(lin.liveId).toBe(A);
    expect(lin.workspaceId).toBe(W1);
    expect(lin.email).toBe("lin@example.cn");
    expect(lin.identifiers.get("wecom_external_userid")).toEqual(["wm-lin"]);
    expect(Object.fromEntries(lin.consents)).toEqual({ "sms/marketing": false, "email/service": true });
    // The same address in another brand's workspace is that brand's customer, with that brand's consents.
    const other = facts.get(OTHER)!;
    expect(other.workspaceId).toBe(W2);
    expect(other.identifiers.get("wecom_external_userid")).toBeUndefined();
    expect(Object.fromEntries(other.consents)).toEqual({ "email/marketing": true });
  });

  it("reads a batch's customers by key, without scanning profiles, identifiers or consents", async () => {
    const sample = (await database.db.execute(sql`
      select id from profiles where workspace_id = ${W1}::uuid order by id limit 200 offset 500`)) as unknown as { rows: { id: string }[] };
    const ids = [...sample.rows.map((r) => r.id), B];
    const { db, plans } = recordingPlans(database.db);
    const facts = await loadProfileFacts(db, ids);
    expect(facts.size).toBe(ids.length);
    expect([...facts.values()].filter((f) => f.consents.get("sms/marketing") === true).length).toBeGreaterThan(30);
    const steps = plans.flatMap((p) => p.plan.split("\n").filter((l) => /Scan|Join/.test(l)).map((l) => l.replace(/^[\s>-]+|\s+\(cost=.*$/g, "")));
    expect(steps).not.toContainEqual(expect.stringMatching(/Seq Scan on (profiles|identity_identifiers|consents)|Hash Join/));
    // Their indexes lead with the workspace: a condition without it reads the whole index.
    const probes = plans.flatMap((p) => [...p.plan.matchAll(/Index Scan using \S+ on (identity_identifiers|consents)\b[^\n]*\n\s*Index Cond: ([^\n]*)/g)].map((m) => `${m[1]}: ${m[2]!.slice(0, 100)}`));
    expect(probes).toHaveLength(2);
    for (const probe of probes) expect(probe).toMatch(/workspace_id = /);
  });
});
