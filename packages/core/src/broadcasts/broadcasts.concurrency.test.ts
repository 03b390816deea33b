import { BroadcastBody } from "@siyu/contracts";
import { sql } from "@siyu/storage/orm";
import { openTestDatabase, testServerUrl, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loyaltyServices, newSegment, newWorkspace } from "../loyalty/loyalty.test-helpers";
import type { CoreServices } from "../services";
import { systemClock } from "../shared/clock";
import { systemContext } from "../shared/context";
import { newId } from "../shared/ids";
import { rows } from "../shared/sql-rows";

/** Real concurrency needs the PostgreSQL server (PGlite runs one statement at a time): `npm run test:pg -- packages/core/src/broadcasts`. */
const server = testServerUrl();
if (!server) console.log("SKIPPED broadcasts concurrency tests: no PostgreSQL server (DATABASE_URL_TEST is unset)");

let database: TestDatabase;
let services: CoreServices;

describe.skipIf(!server)("broadcasts under concurrency (postgres)", () => {
  beforeAll(async () => {
    database = await openTestDatabase();
    services = loyaltyServices(database.db, systemClock);
  });
  afterAll(async () => {
    await database?.close();
  });

  it("four workers sending the same broadcasts queue exactly one message per member", { timeout: 120_000 }, async () => {
    const workspaceId = await newWorkspace(services, "Concurrent broadcasts");
    const ids = Array.from({ length: 600 }, () => newId());
    await database.db.execute(sql`insert into profiles (id, workspace_id, traits, created_at, updated_at)
      select unnest(${`{${ids.join(",")}}`}::uuid[]), ${workspaceId}::uuid, '{}'::jsonb, now(), now()`);
    const ctx = systemContext(workspaceId);
    const template = await services.messaging.templates.create(ctx, { name: "Spring", channel: "sms", content: { "zh-CN": { body: "春季新品上市" } } });
    const made = [];
    for (const size of [600, 300]) {
      const segmentId = await newSegment(database.db, workspaceId, ids.slice(0, size));
      made.push(await services.broadcasts.create(ctx, BroadcastBody.parse({ name: `B${size}`, segmentId, channel: "sms", templateId: template.id })));
    }
    const results = await Promise.all(Array.from({ length: 4 }, () => services.broadcasts.runDue({ batchSize: 40 })));
    expect(results.reduce((a, b) => a + b, 0)).toBe(900);
    for (const [i, b] of made.entries()) {
      const [count] = await rows<{ n: number; distinct: number }>(
        database.db,
        sql`select count(*)::int as n, count(distinct profile_id)::int as distinct from messages where broadcast_id = ${b.id}::uuid`,
      );
      expect(count).toEqual({ n: [600, 300][i], distinct: [600, 300][i] });
      expect(await services.broadcasts.get(ctx, b.id)).toMatchObject({ status: "sent", queued: [600, 300][i] });
    }
  });
});
