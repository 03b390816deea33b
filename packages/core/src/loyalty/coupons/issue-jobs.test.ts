import { sql } from "@siyu/storage/orm";
import { openTestDatabase, type TestDatabase } from "@siyu/storage/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CoreServices } from "../../services";
import { fixedClock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { newId } from "../../shared/ids";
import { loyaltyServices, newSegment, newWorkspace } from "../loyalty.test-helpers";
import { rows } from "../points/points.ledger";

let database: TestDatabase;
let services: CoreServices;
const clock = fixedClock("2026-05-01T02:00:00Z");

beforeAll(async () => {
  database = await openTestDatabase();
  services = loyaltyServices(database.db, clock);
});
afterAll(async () => {
  await database?.close();
});

async function profiles(ws: string, n: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => newId());
  await database.db.execute(sql`insert into profiles (id, workspace_id, created_at, updated_at)
    select unnest(${`{${ids.join(",")}}`}::uuid[]), ${ws}::uuid, now(), now()`);
  return ids;
}

async function holdings(templateId: string) {
  const [r] = await rows<{ coupons: number; holders: number; most: number | null }>(
    database.db,
    sql`select count(*)::int as coupons, count(distinct profile_id)::int as holders, max(n)::int as most
        from (select profile_id, count(*) over (partition by profile_id) as n from coupons where template_id = ${templateId}::uuid) c`,
  );
  return r!;
}

describe(`bulk coupon issue jobs (${process.env.DATABASE_URL_TEST ? "postgres" : "pglite"})`, () => {
  it("issues to every member once, refusing unknown ones and those past the stock, with counts by code", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    // Created first, so it sorts (and is issued) before the member it was merged into.
    const [absorbed] = await profiles(ws, 1);
    const members = await profiles(ws, 1000);
    // A merged-away member's coupon goes to the survivor (who is also on the list: one each).
    await database.db.execute(sql`update profiles set merged_into = ${members[0]!}::uuid where id = ${absorbed!}::uuid`);
    const unknown = Array.from({ length: 20 }, () => newId());
    const template = await services.coupons.createTemplate(ctx, { name: "Bulk", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 30 }, totalStock: 900 });
    const body = { profileIds: [...members, ...members.slice(0, 10), absorbed!, ...unknown], idempotencyKey: "bulk-1" };
    const job = await services.coupons.createIssueJob(ctx, template.id, body);
    expect(job).toMatchObject({ status: "running", total: 1021, issued: 0 });
    expect((await services.coupons.createIssueJob(ctx, template.id, body)).id).toBe(job.id);
    while ((await services.coupons.runIssueBatch(250)) > 0);
    const done = await services.coupons.getIssueJob(ctx, job.id);
    expect(done).toMatchObject({ status: "done", issued: 900, refused: 121 });
    expect(done.refusals).toEqual({ "loyalty.out_of_stock": 100, "profiles.not_found": 20, "loyalty.limit_reached": 1 });
    expect(await holdings(template.id)).toEqual({ coupons: 900, holders: 900, most: 1 });
    expect((await services.coupons.getTemplate(ctx, template.id)).issuedCount).toBe(900);
  });

  it("a batch that dies before its commit is replayed whole: every member ends with exactly one coupon", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const members = await profiles(ws, 600);
    const template = await services.coupons.createTemplate(ctx, { name: "Crash", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 30 } });
    const job = await services.coupons.createIssueJob(ctx, template.id, { profileIds: members, idempotencyKey: "crash-1" });
    expect(await services.coupons.runIssueBatch(250)).toBe(250);
    await expect(
      services.coupons.runIssueBatch(250, {
        beforeCommit: () => Promise.reject(new Error("killed")),
      }),
    ).rejects.toThrow("killed");
    expect((await services.coupons.getIssueJob(ctx, job.id)).issued).toBe(250);
    while ((await services.coupons.runIssueBatch(250)) > 0);
    expect(await services.coupons.getIssueJob(ctx, job.id)).toMatchObject({ status: "done", issued: 600, refused: 0 });
    expect(await holdings(template.id)).toEqual({ coupons: 600, holders: 600, most: 1 });
    expect((await services.coupons.getTemplate(ctx, template.id)).issuedCount).toBe(600);
  });

  it("issues to a segment's members as they were when the job was created, once per key", async () => {
    const ws = await newWorkspace(services);
    const ctx = systemContext(ws);
    const members = await profiles(ws, 700);
    const segmentId = await newSegment(database.db, ws, members, "VIP");
    const template = await services.coupons.createTemplate(ctx, { name: "To VIP", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 30 } });
    const job = await services.coupons.createIssueJob(ctx, template.id, { segmentId, idempotencyKey: "vip-1" });
    expect(job).toMatchObject({ source: "segment", segmentId, status: "running", total: 700 });
    // Joining after the job was created: not in this job.
    const late = await profiles(ws, 5);
    await database.db.execute(sql`insert into segment_members (workspace_id, segment_id, profile_id, entered_at)
      select ${ws}::uuid, ${segmentId}::uuid, unnest(${`{${late.join(",")}}`}::uuid[]), now()`);
    expect((await services.coupons.createIssueJob(ctx, template.id, { segmentId, idempotencyKey: "vip-1" })).id).toBe(job.id);
    await expect(services.coupons.createIssueJob(ctx, template.id, { profileIds: members.slice(0, 1), idempotencyKey: "vip-1" })).rejects.toMatchObject({ code: "loyalty.idempotency_conflict" });
    while ((await services.coupons.runIssueBatch(250)) > 0);
    expect(await services.coupons.getIssueJob(ctx, job.id)).toMatchObject({ status: "done", issued: 700, refused: 0 });
    expect(await holdings(template.id)).toEqual({ coupons: 700, holders: 700, most: 1 });
    const [lateHeld] = await rows<{ n: number }>(database.db, sql`select count(*)::int as n from coupons where profile_id = any(${`{${late.join(",")}}`}::uuid[])`);
    expect(lateHeld!.n).toBe(0);
    // Another workspace's segment is not found.
    const other = await newWorkspace(services, "Other brand");
    const foreign = await newSegment(database.db, other, await profiles(other, 3));
    await expect(services.coupons.createIssueJob(ctx, template.id, { segmentId: foreign, idempotencyKey: "vip-2" })).rejects.toMatchObject({ code: "segments.not_found" });
  });
});
