import { sql } from "@siyu/storage/orm";
import { openTestDatabase, recordingPlans, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../shared/clock";
import { runDispatchBatch } from "./dispatcher";

/**
 * The claim reads the due queue in index order whatever the planner knows: on a store whose
 * `messages` was never analysed, it planned a bitmap of every entry with `due_at ≤ now`, which
 * marks none of the dead ones it meets (each sent message's queued version), so every claim
 * visited all of them again.
 */
let database: TestDatabase;
const clock = fixedClock("2026-11-02T04:00:00Z");
const WORKSPACE = "01900000-0000-7000-8000-0000000000c1";

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

describe(`the dispatcher's claim (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("reads the messages_due index in order over thousands of sent messages' dead entries, and gives the planner its other ways back after it", async () => {
    // 20,000 messages queued an hour ago, then taken and delivered: each left dead entries in messages_due.
    await database.db.execute(sql`
      insert into messages (id, workspace_id, idempotency_key, profile_id, channel, category, purpose, variables, status, source_kind, created_at, due_at)
      select gen_random_uuid(), ${WORKSPACE}::uuid, 'k' || g, gen_random_uuid(), 'inbox', 'service', 'service', '{}', 'queued', 'journey',
             ${clock.now().toISOString()}::timestamptz - interval '1 hour', ${clock.now().toISOString()}::timestamptz - interval '1 hour' + g * interval '1 ms'
      from generate_series(1, 20000) g`);
    await database.db.execute(sql`update messages set status = 'sending', due_at = due_at + interval '2 hours' where workspace_id = ${WORKSPACE}::uuid`);
    await database.db.execute(sql`update messages set status = 'delivered', due_at = null where workspace_id = ${WORKSPACE}::uuid`);

    const settings = async () => (await database.db.execute(sql`select current_setting('enable_bitmapscan') as b, current_setting('enable_seqscan') as s`)) as unknown as { rows: { b: string; s: string }[] };
    const before = (await settings()).rows[0]; // the embedded store runs with enable_seqscan off; the server with it on
    const { db, plans } = recordingPlans(database.db);
    const report = await runDispatchBatch(db, clock, {}, 200);
    expect(report.taken).toBe(0);
    const claim = plans.find((p) => p.sql.includes("from messages") && p.sql.includes("order by due_at, id limit"));
    expect(claim?.plan).toMatch(/Index Scan using messages_due/);
    expect(claim?.plan).not.toMatch(/Bitmap|Seq Scan|Sort/);

    expect((await settings()).rows[0]).toEqual(before);
  });
});
