import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { TierSettings } from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import type { Clock } from "../../shared/clock";
import { systemContext } from "../../shared/context";
import { localDay } from "../../shared/local-time";
import { loadSettings } from "../loyalty.settings";
import { workspaceTimeZone } from "../loyalty-workspace";
import { rows } from "../points/points.ledger";
import { insertIssueJob } from "./issue-jobs";

const DAY = 86_400_000;
const ymd = (t: number) => new Date(t).toISOString().slice(0, 10);
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/**
 * The birthdays (as MM-DD, with the year of that birthday) whose gift is due on the local day `today`.
 * The gift day is the birthday (or the first day of its month) `daysBefore` days earlier; a gift is due
 * from its gift day through the birthday itself, so a job that missed a day catches up. A 29 February
 * birthday is celebrated on 28 February in other years.
 */
export function dueBirthdays(today: string, rule: TierSettings["birthdayGift"]): Map<string, number> {
  const start = Date.parse(`${today}T00:00:00Z`);
  const due = new Map<string, number>();
  for (let t = start; t <= start + (rule.daysBefore + 31) * DAY; t += DAY) {
    const day = ymd(t);
    const anchor = rule.on === "birthday" ? t : Date.parse(`${day.slice(0, 8)}01T00:00:00Z`);
    if (anchor - rule.daysBefore * DAY > start) continue;
    const year = Number(day.slice(0, 4));
    due.set(day.slice(5), year);
    if (day.slice(5) === "02-28" && !isLeap(year)) due.set("02-29", year);
  }
  return due;
}

/**
 * Queues today's birthday gifts of one workspace: for each template some tier level gives
 * (`birthdayGiftTemplateId`), one bulk issue job (key `birthday:<local day>:<template>`) whose members are
 * the live profiles at those levels (members without a tier row are at the first level) whose `birthday`
 * trait (YYYY-MM-DD, YYYY/MM/DD or MM-DD) is due. Each member's coupon has the issue key
 * `birthday:<year>:<profileId>`: members who already hold it, or wait for it in another job, are left
 * out, and the worker refuses a key used meanwhile — one gift per member per year. Set-based: one
 * statement selects the members. Returns the members queued.
 */
export async function queueBirthdayGifts(db: Db, clock: Clock, workspaceId: string): Promise<number> {
  const settings = (await loadSettings(db, workspaceId)).tiers;
  if (!settings.enabled) return 0;
  const byTemplate = new Map<string, string[]>();
  for (const level of settings.levels) {
    if (level.birthdayGiftTemplateId !== null) byTemplate.set(level.birthdayGiftTemplateId, [...(byTemplate.get(level.birthdayGiftTemplateId) ?? []), level.code]);
  }
  if (byTemplate.size === 0) return 0;
  const now = clock.now();
  const today = localDay(now, await workspaceTimeZone(db, workspaceId));
  const due = JSON.stringify(Object.fromEntries(dueBirthdays(today, settings.birthdayGift)));
  const firstLevel = settings.levels[0]!.code;
  let queued = 0;
  for (const [templateId, codes] of byTemplate) {
    const idempotencyKey = `birthday:${today}:${templateId}`;
    queued += await db.transaction(async (tx) => {
      const [template] = await rows<{ name: string }>(tx, sql`select name from coupon_templates where workspace_id = ${workspaceId}::uuid and id = ${templateId}::uuid for update`);
      if (!template) return 0;
      const [done] = await rows<{ id: string }>(tx, sql`select id from coupon_issue_jobs where workspace_id = ${workspaceId}::uuid and idempotency_key = ${idempotencyKey}`);
      if (done) return 0;
      const key = sql`'birthday:' || d.year || ':' || p.id`;
      const job = await insertIssueJob(
        tx,
        { workspaceId, templateId, idempotencyKey, source: "birthday", segmentId: null, actor: "birthday gifts", now: now.toISOString() },
        sql`select p.id, ${key}
            from profiles p
            join jsonb_each_text(${due}::jsonb) as d(md, year) on d.md = right(replace(p.traits->>'birthday', '/', '-'), 5)
            left join member_tiers t on t.workspace_id = p.workspace_id and t.profile_id = p.id
            where p.workspace_id = ${workspaceId}::uuid and p.merged_into is null
              and replace(p.traits->>'birthday', '/', '-') ~ '^([0-9]{4}-)?[0-9]{2}-[0-9]{2}$'
              and coalesce(t.tier, ${firstLevel}) = any(${`{${codes.join(",")}}`}::text[])
              and not exists (select 1 from coupons c where c.workspace_id = p.workspace_id and c.issue_key = ${key})
              and not exists (select 1 from coupon_issue_jobs j join coupon_issue_job_members m on m.job_id = j.id and m.profile_id = p.id
                              where j.workspace_id = p.workspace_id and j.source = 'birthday' and j.status = 'running' and m.state = 'pending' and m.issue_key = ${key})`,
      );
      if (job.total === 0) {
        // Nothing due: no job row; a later run today looks again (new members, changed birthdays).
        await tx.execute(sql`delete from coupon_issue_jobs where id = ${job.id}::uuid`);
        return 0;
      }
      await appendAuditEntry(tx, clock, systemContext(workspaceId), {
        action: "loyalty.birthday_gifts_queued",
        targetType: "coupon_template",
        targetId: templateId,
        summary: `Birthday gift "${template.name}" queued for ${job.total} member(s) on ${today}`,
      });
      return job.total;
    });
  }
  return queued;
}
