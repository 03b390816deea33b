import { describe, expect, it } from "vitest";
import { newId, systemContext } from "@siyu/core";
import { sql } from "@siyu/storage/orm";
import { testServerUrl } from "@siyu/storage/testing";
import { openStores } from "../compose";
import { childEnv, crashConfig, crashFolder, crashWorkspace } from "./crash-store";
import { freePort, sleep, spawnServer, waitUntilReady, type ServerProcess } from "./server-process";

/**
 * kill -9 during a bulk coupon issue to a segment: the real `siyu start` works through an issue job to
 * a segment's members while the test SIGKILLs it at several points of progress and starts it again.
 * Afterwards every member of the segment holds exactly one coupon and the template's issued count
 * equals the coupons. The embedded store by
 * default; a fresh database on the PostgreSQL server under `npm run test:pg`.
 */
const MEMBERS = Number(process.env.SIYU_CRASH_COUPON_MEMBERS || 100_000);
const KILLS = 4;
// A start opens a store of 300,000+ rows; on a loaded shared machine that can take minutes.
const READY_MS = Number(process.env.SIYU_CRASH_READY_MS || 180_000);

const { tmp, dataDir, cleanups } = crashFolder("coupon");

describe(`bulk coupon issue under kill -9 (${testServerUrl() ? "postgres" : "pglite"})`, () => {
  it(`leaves each of ${MEMBERS} members exactly one coupon`, { timeout: 600_000 }, async () => {
    const { config, target } = await crashConfig(dataDir, cleanups);

    // Members, a template and the job are written with no worker running; the child does all the issuing.
    const { workspaceId, stores, services } = await crashWorkspace(config);
    const ctx = systemContext(workspaceId);
    const ids = Array.from({ length: MEMBERS }, () => newId());
    for (let i = 0; i < ids.length; i += 20_000) {
      const page = ids.slice(i, i + 20_000);
      await stores.database.db.execute(sql`insert into profiles (id, workspace_id, created_at, updated_at)
        select unnest(${`{${page.join(",")}}`}::uuid[]), ${workspaceId}::uuid, now(), now()`);
    }
    // The segment's membership as a refresh leaves it in PostgreSQL (the job copies it from there).
    const segmentId = newId();
    await stores.database.db.execute(sql`insert into segments (id, workspace_id, name, rule, refresh_every_minutes, size, last_refreshed_at, created_at, updated_at, created_by)
      values (${segmentId}::uuid, ${workspaceId}::uuid, 'Everyone', ${JSON.stringify({ type: "trait", trait: "order_count", op: "gte", value: 0 })}::jsonb, 60, ${MEMBERS}, now(), now(), now(), 'crash test')`);
    await stores.database.db.execute(sql`insert into segment_members (workspace_id, segment_id, profile_id, entered_at)
      select ${workspaceId}::uuid, ${segmentId}::uuid, id, now() from profiles where workspace_id = ${workspaceId}::uuid`);
    const template = await services.coupons.createTemplate(ctx, { name: "Crash", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 30 }, perMemberLimit: 1 });
    const job = await services.coupons.createIssueJob(ctx, template.id, { segmentId, idempotencyKey: "crash" });
    expect(job.total).toBe(MEMBERS);
    const { secret } = await services.apiKeys.create(ctx, { name: "crash test", scope: "admin" });
    await stores.warehouse.close();
    await stores.database.close();

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = childEnv(process.env, dataDir, port, target);
    const progress = async (): Promise<{ status: string; issued: number; refused: number } | null> => {
      try {
        const res = await fetch(`${url}/api/v1/workspaces/${workspaceId}/coupon-issue-jobs/${job.id}`, { headers: { authorization: `Bearer ${secret}` }, signal: AbortSignal.timeout(10_000) });
        return res.status === 200 ? ((await res.json()) as { status: string; issued: number; refused: number }) : null;
      } catch {
        return null;
      }
    };

    let server: ServerProcess = spawnServer(env, tmp);
    cleanups.push(async () => void (await server.kill9()));
    await waitUntilReady(url, server, READY_MS);
    const kills: number[] = [];
    for (let k = 1; k <= KILLS; k++) {
      // Kill at roughly k/(KILLS+1) of the way, wherever a batch happens to be.
      const mark = Math.floor((MEMBERS * k) / (KILLS + 1));
      for (;;) {
        const p = await progress();
        if (p && (p.issued >= mark || p.status === "done")) break;
        await sleep(20);
      }
      // A moment later, so the kill lands inside a batch as often as between two.
      await sleep(Math.floor(Math.random() * 80));
      kills.push((await progress())?.issued ?? -1);
      await server.kill9();
      server = spawnServer(env, tmp);
      await waitUntilReady(url, server, READY_MS);
    }
    for (;;) {
      const p = await progress();
      if (p?.status === "done") break;
      await sleep(100);
    }
    await server.stop();

    const after = await openStores(config);
    cleanups.push(async () => {
      await after.warehouse.close();
      await after.database.close();
    });
    const result = (await after.database.db.execute(sql`
      select (select count(*)::int from coupons where template_id = ${template.id}::uuid) as coupons,
             (select count(distinct profile_id)::int from coupons where template_id = ${template.id}::uuid) as holders,
             (select issued_count from coupon_templates where id = ${template.id}::uuid) as issued_count,
             (select issued from coupon_issue_jobs where id = ${job.id}::uuid) as job_issued,
             (select count(*)::int from coupon_issue_job_members where job_id = ${job.id}::uuid and state = 'issued') as members_issued,
             (select count(*)::int from segment_members m
                join (select profile_id, count(*) as n from coupons where template_id = ${template.id}::uuid group by profile_id) c on c.profile_id = m.profile_id
                where m.segment_id = ${segmentId}::uuid and c.n = 1) as members_with_one`)) as unknown as {
      rows: { coupons: number; holders: number; issued_count: number; job_issued: number; members_issued: number; members_with_one: number }[];
    };
    const counted = result.rows[0];
    console.log(`coupon issue crash: ${MEMBERS} members, killed at issued = ${kills.join(", ")}`);
    expect(counted).toEqual({ coupons: MEMBERS, holders: MEMBERS, issued_count: MEMBERS, job_issued: MEMBERS, members_issued: MEMBERS, members_with_one: MEMBERS });
  });
});
