import { sql, type SQL } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { SEGMENT_ISSUE_LIMIT, type CreateIssueJobBody, type IssueJobDto } from "@siyu/contracts";
import { segmentErrors } from "../../segments";
import { appendAuditEntry } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { newId } from "../../shared/ids";
import { loyaltyErrors } from "../loyalty.errors";
import { addDays, localDay } from "../../shared/local-time";
import { rows } from "../points/points.ledger";
import { liveRoot } from "../points/points.jobs";
import { workspaceTimeZone } from "../loyalty-workspace";
import { heldCoupons, lockTemplate, newCouponCode } from "./coupons.ledger";

interface JobRow {
  id: string;
  workspace_id: string;
  template_id: string;
  idempotency_key: string;
  source: IssueJobDto["source"];
  segment_id: string | null;
  status: "running" | "done";
  total: number;
  issued: number;
  refused: number;
  created_at: string | Date;
  finished_at: string | Date | null;
}

async function toJobDto(db: Db, job: JobRow): Promise<IssueJobDto> {
  const refusals = await rows<{ error_code: string; n: number }>(
    db,
    sql`select error_code, count(*)::int as n from coupon_issue_job_members where job_id = ${job.id}::uuid and state = 'refused' group by error_code`,
  );
  return {
    id: job.id,
    templateId: job.template_id,
    source: job.source,
    segmentId: job.segment_id,
    status: job.status,
    total: Number(job.total),
    issued: Number(job.issued),
    refused: Number(job.refused),
    refusals: Object.fromEntries(refusals.map((r) => [r.error_code, Number(r.n)])),
    createdAt: new Date(job.created_at).toISOString(),
    finishedAt: job.finished_at === null ? null : new Date(job.finished_at).toISOString(),
  };
}

/**
 * Inserts a running job and its members in the caller's transaction. `members` is a query yielding
 * (profile_id uuid, issue_key text|null) rows — set-based, so a segment of a million members is one
 * statement. The job's total is the number of distinct members inserted.
 */
export async function insertIssueJob(
  tx: Db,
  job: { workspaceId: string; templateId: string; idempotencyKey: string; source: IssueJobDto["source"]; segmentId: string | null; actor: string; now: string },
  members: SQL,
): Promise<JobRow> {
  const id = newId();
  await tx.execute(sql`
    insert into coupon_issue_jobs (id, workspace_id, template_id, idempotency_key, source, segment_id, status, total, issued, refused, actor, created_at)
    values (${id}::uuid, ${job.workspaceId}::uuid, ${job.templateId}::uuid, ${job.idempotencyKey}, ${job.source}, ${job.segmentId}::uuid, 'running', 0, 0, 0, ${job.actor}, ${job.now}::timestamptz)`);
  await tx.execute(sql`
    insert into coupon_issue_job_members (job_id, profile_id, issue_key, state)
    select ${id}::uuid, m.profile_id, m.issue_key, 'pending' from (${members}) as m(profile_id, issue_key)
    on conflict do nothing`);
  const [row] = await rows<JobRow>(
    tx,
    sql`update coupon_issue_jobs set total = (select count(*)::int from coupon_issue_job_members where job_id = ${id}::uuid) where id = ${id}::uuid returning *`,
  );
  return row!;
}

/**
 * Records a bulk issue and its members in one transaction; the worker issues in batches. Idempotent by key.
 * With a segment as the source, its current members (segment_members in PostgreSQL, as of its last
 * refresh) are copied into the job in one statement.
 */
export async function createIssueJob(db: Db, clock: Clock, ctx: WorkspaceContext, templateId: string, body: CreateIssueJobBody): Promise<IssueJobDto> {
  const now = clock.now().toISOString();
  return db.transaction(async (tx) => {
    const template = await lockTemplate(tx, ctx.workspaceId, templateId);
    const [existing] = await rows<JobRow>(tx, sql`select * from coupon_issue_jobs where workspace_id = ${ctx.workspaceId}::uuid and idempotency_key = ${body.idempotencyKey}`);
    if (existing) {
      if (existing.template_id !== templateId || existing.segment_id !== (body.segmentId ?? null)) {
        throw loyaltyErrors.error("loyalty.idempotency_conflict", `Key "${body.idempotencyKey}" was used for another template or source`);
      }
      return toJobDto(tx, existing);
    }
    const head = { workspaceId: ctx.workspaceId, templateId, idempotencyKey: body.idempotencyKey, actor: ctx.actor.name, now };
    let job: JobRow;
    let from: string;
    if (body.segmentId !== undefined) {
      const [segment] = await rows<{ name: string; members: number }>(
        tx,
        sql`select s.name, (select count(*)::int from segment_members m where m.segment_id = s.id) as members
            from segments s where s.workspace_id = ${ctx.workspaceId}::uuid and s.id = ${body.segmentId}::uuid`,
      );
      if (!segment) throw segmentErrors.error("segments.not_found", "No such segment", { path: "segmentId" });
      if (segment.members > SEGMENT_ISSUE_LIMIT) {
        throw loyaltyErrors.error("loyalty.too_many_members", `The segment has ${segment.members} members; a bulk issue takes at most ${SEGMENT_ISSUE_LIMIT}`, {
          path: "segmentId",
          limit: SEGMENT_ISSUE_LIMIT,
          members: segment.members,
        });
      }
      job = await insertIssueJob(
        tx,
        { ...head, source: "segment", segmentId: body.segmentId },
        sql`select profile_id, null::text from segment_members where workspace_id = ${ctx.workspaceId}::uuid and segment_id = ${body.segmentId}::uuid`,
      );
      from = `segment "${segment.name}"`;
    } else {
      const ids = [...new Set(body.profileIds!.map((id) => id.toLowerCase()))];
      job = await insertIssueJob(tx, { ...head, source: "list", segmentId: null }, sql`select unnest(${`{${ids.join(",")}}`}::uuid[]), null::text`);
      from = "a list";
    }
    await appendAuditEntry(tx, clock, ctx, {
      action: "loyalty.coupon_issue_job_created",
      targetType: "coupon_template",
      targetId: templateId,
      summary: `Issue "${template.name}" to ${job.total} customer(s) from ${from}`,
    });
    return toJobDto(tx, job);
  });
}

export async function getIssueJob(db: Db, ctx: WorkspaceContext, jobId: string): Promise<IssueJobDto> {
  const [job] = await rows<JobRow>(db, sql`select * from coupon_issue_jobs where workspace_id = ${ctx.workspaceId}::uuid and id = ${jobId}::uuid`);
  if (!job) throw loyaltyErrors.error("loyalty.issue_job_not_found", "No such issue job");
  return toJobDto(db, job);
}

type Decision = { profile_id: string; state: "issued" | "refused"; error_code: string | null; coupon_id: string | null };

/**
 * Issues the next batch of the oldest running job. One transaction: the template is locked, the batch's
 * members are judged against stock and limits, their coupons inserted, their states and the counters
 * updated — all or nothing, so a crash (kill -9 included) replays the batch and no member gets two.
 * `beforeCommit` lets tests fail a batch at its last moment. Returns the members handled (or 1 when a
 * job was just finished), 0 when there is nothing to do.
 */
export async function runIssueBatch(db: Db, clock: Clock, limit = 500, hooks: { beforeCommit?: () => Promise<void> } = {}): Promise<number> {
  const [next] = await rows<JobRow>(db, sql`select * from coupon_issue_jobs where status = 'running' order by created_at, id limit 1`);
  if (!next) return 0;
  return db.transaction(async (tx) => {
    const template = await lockTemplate(tx, next.workspace_id, next.template_id);
    const [job] = await rows<JobRow>(tx, sql`select * from coupon_issue_jobs where id = ${next.id}::uuid and status = 'running' for update`);
    if (!job) return 1;
    const now = clock.now();
    const members = await rows<{ profile_id: string; issue_key: string | null; merged_into: string | null; known: boolean }>(
      tx,
      sql`select m.profile_id, m.issue_key, p.merged_into, p.id is not null as known from coupon_issue_job_members m
          left join profiles p on p.id = m.profile_id and p.workspace_id = ${job.workspace_id}::uuid
          where m.job_id = ${job.id}::uuid and m.state = 'pending' order by m.profile_id limit ${limit}`,
    );
    if (members.length === 0) {
      await tx.execute(sql`update coupon_issue_jobs set status = 'done', finished_at = ${now.toISOString()}::timestamptz where id = ${job.id}::uuid`);
      return 1;
    }
    const live = new Map<string, string | null>();
    for (const m of members) live.set(m.profile_id, !m.known ? null : m.merged_into === null ? m.profile_id : await liveRoot(tx, job.workspace_id, m.profile_id));
    const timeZone = await workspaceTimeZone(tx, job.workspace_id);
    const day = localDay(now, timeZone);
    const liveIds = [...new Set([...live.values()].filter((v): v is string => v !== null))];
    const held = liveIds.length > 0 ? await heldCoupons(tx, job.workspace_id, template.id, liveIds, day) : new Map<string, { total: number; today: number }>();
    const keyOf = (m: { profile_id: string; issue_key: string | null }) => m.issue_key ?? `job:${job.id}:${m.profile_id}`;
    // A key another job already used (a birthday gift given this year) issues nothing twice.
    const used = new Set(
      (
        await rows<{ issue_key: string }>(
          tx,
          sql`select issue_key from coupons where workspace_id = ${job.workspace_id}::uuid and issue_key = any(${`{${members.map((m) => JSON.stringify(keyOf(m))).join(",")}}`}::text[])`,
        )
      ).map((r) => r.issue_key),
    );
    const validity = template.validity;
    const validFrom = validity.kind === "fixed" ? new Date(validity.from) : now;
    const validUntil = validity.kind === "fixed" ? new Date(validity.until) : addDays(now, validity.days);
    let stockLeft = template.total_stock === null ? Infinity : template.total_stock - template.issued_count;
    const decisions: Decision[] = [];
    const inserts: { id: string; profile_id: string; code: string; issue_key: string }[] = [];
    for (const m of members) {
      const owner = live.get(m.profile_id) ?? null;
      const refuse = (code: string) => decisions.push({ profile_id: m.profile_id, state: "refused", error_code: code, coupon_id: null });
      if (owner === null) refuse("profiles.not_found");
      else if (used.has(keyOf(m))) refuse("loyalty.already_issued");
      else if (template.status !== "active") refuse("loyalty.template_inactive");
      else if (validUntil <= now) refuse("loyalty.coupon_expired");
      else if (stockLeft <= 0) refuse("loyalty.out_of_stock");
      else {
        const h = held.get(owner) ?? { total: 0, today: 0 };
        if ((template.per_member_limit !== null && h.total >= template.per_member_limit) || (template.per_member_daily_limit !== null && h.today >= template.per_member_daily_limit)) {
          refuse("loyalty.limit_reached");
        } else {
          const id = newId();
          inserts.push({ id, profile_id: owner, code: newCouponCode(), issue_key: keyOf(m) });
          decisions.push({ profile_id: m.profile_id, state: "issued", error_code: null, coupon_id: id });
          held.set(owner, { total: h.total + 1, today: h.today + 1 });
          stockLeft -= 1;
        }
      }
    }
    if (inserts.length > 0) {
      await tx.execute(sql`
        insert into coupons (id, workspace_id, template_id, profile_id, code, status, issue_key, issue_day, issued_at, valid_from, valid_until)
        select x.id, ${job.workspace_id}::uuid, ${template.id}::uuid, x.profile_id, x.code, 'available', x.issue_key, ${day},
          ${now.toISOString()}::timestamptz, ${validFrom.toISOString()}::timestamptz, ${validUntil.toISOString()}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(inserts)}::jsonb) as x(id uuid, profile_id uuid, code text, issue_key text)`);
      await tx.execute(sql`update coupon_templates set issued_count = issued_count + ${inserts.length} where id = ${template.id}::uuid`);
    }
    await tx.execute(sql`
      update coupon_issue_job_members m set state = x.state, error_code = x.error_code, coupon_id = x.coupon_id
      from jsonb_to_recordset(${JSON.stringify(decisions)}::jsonb) as x(profile_id uuid, state text, error_code text, coupon_id uuid)
      where m.job_id = ${job.id}::uuid and m.profile_id = x.profile_id and m.state = 'pending'`);
    await tx.execute(sql`
      update coupon_issue_jobs set issued = issued + ${inserts.length}, refused = refused + ${decisions.length - inserts.length} where id = ${job.id}::uuid`);
    await hooks.beforeCommit?.();
    return members.length;
  });
}
