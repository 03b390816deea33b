import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { consumeEventBatch, consumerPosition, type LoggedEvent } from "../../events";
import { PROFILE_PROJECTOR } from "../../profiles";
import { appendProfileEvents } from "../../profile-events";
import type { Clock } from "../../shared/clock";
import { DomainError } from "../../shared/domain-error";
import { issueCoupon } from "../coupons/coupons.ledger";
import { ownersOf } from "../consumers/event-owners";
import { awardPoints } from "../points/points.award";
import { rows } from "../points/points.ledger";
import { counts, isComplete, needed, periodOf, stepMatches, traitsPresent } from "./task-rules";
import { foldMergedProgress, tasksOf, toTaskRule, type TaskRow } from "./tasks.rows";

export const LOYALTY_TASKS_CONSUMER = "loyalty.tasks";

/**
 * Counts members' events towards their tasks and rewards each completed task once per member and period.
 * It runs in the event consumer's transaction (its offset commits with the progress and the rewards) and
 * never reads past the profile projector, so every event is anchored to the member who sent it.
 */
export async function runLoyaltyTasksBatch(db: Db, clock: Clock, limit = 1000): Promise<number> {
  return consumeEventBatch(db, LOYALTY_TASKS_CONSUMER, limit, (tx, events) => progressTasks(tx, events, clock.now()), {
    upTo: (tx) => consumerPosition(tx, PROFILE_PROJECTOR),
  });
}

interface Progress {
  task: TaskRow;
  profileId: string;
  periodKey: string;
  add: number[];
  /** Profile-complete steps found complete in this batch. */
  profileDone: boolean[];
}

export interface Completion {
  task: TaskRow;
  profileId: string;
  periodKey: string;
}

async function progressTasks(tx: Db, events: LoggedEvent[], now: Date): Promise<void> {
  const tasks = await tasksOf(tx, [...new Set(events.map((e) => e.workspaceId))], ["active"]);
  if (tasks.length === 0) return;
  const byWorkspace = new Map<string, TaskRow[]>();
  for (const t of tasks) byWorkspace.set(t.workspace_id, [...(byWorkspace.get(t.workspace_id) ?? []), t]);
  // Only events some task can use: a step's event, or any event of a member while a task checks their profile.
  const checksProfile = (ws: string) => (byWorkspace.get(ws) ?? []).some((t) => t.steps.some((s) => s.kind === "profile_complete"));
  const relevant = events.filter((e) => byWorkspace.has(e.workspaceId) && (checksProfile(e.workspaceId) || byWorkspace.get(e.workspaceId)!.some((t) => t.steps.some((s) => s.kind === "event" && s.event === e.event))));
  if (relevant.length === 0) return;
  const owners = await ownersOf(tx, relevant.map((e) => e.seq));
  const members = await membersOf(tx, [...new Set([...owners.values()].map((o) => o.profileId))]);
  const zones = await timeZonesOf(tx, [...byWorkspace.keys()]);
  const pending = new Map<string, Progress>();
  for (const e of relevant) {
    const owner = owners.get(e.seq);
    if (!owner) continue;
    const member = members.get(owner.profileId);
    const properties = (typeof e.payload.properties === "object" && e.payload.properties !== null ? e.payload.properties : {}) as Record<string, unknown>;
    for (const task of byWorkspace.get(e.workspaceId)!) {
      const rule = toTaskRule(task);
      if (!counts(rule, e.ts, member?.firstSeen ?? null)) continue;
      const add = task.steps.map((s) => (stepMatches(s, e.event, properties) ? 1 : 0));
      const profileDone = task.steps.map((s) => s.kind === "profile_complete" && traitsPresent(member?.traits ?? {}, s.traits));
      if (!add.some((n) => n > 0) && !profileDone.some(Boolean)) continue;
      const periodKey = periodOf(task.kind, e.ts, zones.get(e.workspaceId)!);
      const key = `${task.id} ${owner.profileId} ${periodKey}`;
      const p = pending.get(key);
      if (!p) pending.set(key, { task, profileId: owner.profileId, periodKey, add, profileDone });
      else {
        add.forEach((n, i) => (p.add[i]! += n));
        profileDone.forEach((d, i) => (p.profileDone[i] ||= d));
      }
    }
  }
  if (pending.size === 0) return;
  // What profiles merged into these members counted is the members' own from now on.
  const membersByWorkspace = new Map<string, Set<string>>();
  for (const p of pending.values()) membersByWorkspace.set(p.task.workspace_id, (membersByWorkspace.get(p.task.workspace_id) ?? new Set()).add(p.profileId));
  for (const [ws, ids] of membersByWorkspace) await foldMergedProgress(tx, ws, [...ids], now);
  const completions = await saveProgress(tx, [...pending.values()], now);
  await rewardCompletions(tx, completions, zones, now);
}

async function membersOf(tx: Db, profileIds: string[]) {
  const found = await rows<{ id: string; first_seen_at: string | null; created_at: string; traits: Record<string, unknown> | null }>(
    tx,
    sql`select id, first_seen_at, created_at, traits from profiles where id = any(${`{${profileIds.join(",")}}`}::uuid[])`,
  );
  return new Map(found.map((p) => [p.id, { firstSeen: new Date(p.first_seen_at ?? p.created_at), traits: p.traits ?? {} }]));
}

export async function timeZonesOf(tx: Db, workspaceIds: string[]): Promise<Map<string, string>> {
  const found = await rows<{ id: string; timezone: string }>(tx, sql`select id, timezone from workspaces where id = any(${`{${workspaceIds.join(",")}}`}::uuid[])`);
  return new Map(workspaceIds.map((id) => [id, found.find((w) => w.id === id)?.timezone ?? "Asia/Shanghai"]));
}

/**
 * Adds the batch's counts to the stored progress (capped at what each step needs) in two statements —
 * rows locked, then upserted — and returns the periods completed by this batch: `completed_at` is set
 * only where it was empty, so a period completes once however often its events come again.
 */
async function saveProgress(tx: Db, pending: Progress[], now: Date): Promise<Completion[]> {
  const keys = pending.map((p) => ({ workspace_id: p.task.workspace_id, task_id: p.task.id, profile_id: p.profileId, period_key: p.periodKey }));
  const stored = await rows<{ task_id: string; profile_id: string; period_key: string; counts: number[]; completed_at: string | null }>(
    tx,
    sql`select p.task_id, p.profile_id, p.period_key, p.counts, p.completed_at from loyalty_task_progress p
        join jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) as x(workspace_id uuid, task_id uuid, profile_id uuid, period_key text)
          on p.workspace_id = x.workspace_id and p.task_id = x.task_id and p.profile_id = x.profile_id and p.period_key = x.period_key
        order by p.workspace_id, p.task_id, p.profile_id, p.period_key
        for update of p`,
  );
  const before = new Map(stored.map((s) => [`${s.task_id} ${s.profile_id} ${s.period_key}`, s]));
  const completions: Completion[] = [];
  const upserts = pending.map((p, index) => {
    const old = before.get(`${p.task.id} ${p.profileId} ${p.periodKey}`);
    const done = p.task.steps.map((s, i) => {
      const had = old?.counts[i] ?? 0;
      return Math.min(needed(s), s.kind === "profile_complete" ? Math.max(had, p.profileDone[i] ? 1 : 0) : had + p.add[i]!);
    });
    const completesNow = !old?.completed_at && isComplete(p.task.steps, done);
    if (completesNow) completions.push({ task: p.task, profileId: p.profileId, periodKey: p.periodKey });
    return { ...keys[index]!, counts: done, completed_at: completesNow ? now.toISOString() : (old?.completed_at ?? null) };
  });
  await tx.execute(sql`
    insert into loyalty_task_progress (workspace_id, task_id, profile_id, period_key, counts, completed_at, updated_at)
    select x.workspace_id, x.task_id, x.profile_id, x.period_key, x.counts, x.completed_at, ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(upserts)}::jsonb) as x(workspace_id uuid, task_id uuid, profile_id uuid, period_key text, counts jsonb, completed_at timestamptz)
    on conflict (workspace_id, task_id, profile_id, period_key) do update
      set counts = excluded.counts, completed_at = coalesce(loyalty_task_progress.completed_at, excluded.completed_at), updated_at = excluded.updated_at`);
  return completions;
}

/**
 * Gives each completion its reward in this transaction: points through the ledger (key
 * task:<taskId>:<profileId>:<periodKey>) and the coupon through the coupon issue path (template locked,
 * same key). A coupon that cannot be issued (out of stock, limit, paused) is recorded, not retried:
 * the points and the completion stand. Members are handled in profile order, as the jobs lock accounts.
 */
async function rewardCompletions(tx: Db, completions: Completion[], zones: Map<string, string>, now: Date): Promise<void> {
  completions.sort((a, b) => (a.profileId < b.profileId ? -1 : a.profileId > b.profileId ? 1 : 0));
  const events = [];
  for (const c of completions) {
    const ws = c.task.workspace_id;
    const key = `task:${c.task.id}:${c.profileId}:${c.periodKey}`;
    let couponId: string | null = null;
    let couponError: string | null = null;
    if (c.task.reward_points !== null) {
      await awardPoints(tx, { workspaceId: ws, profileId: c.profileId, points: c.task.reward_points, source: "task", reason: `Task ${c.task.name_zh}`, idempotencyKey: key, metadata: { taskId: c.task.id, periodKey: c.periodKey } }, now);
    }
    if (c.task.reward_template_id !== null) {
      try {
        // A savepoint: a refused issue leaves the rest of the batch as it was.
        const issued = await tx.transaction((sp) => issueCoupon(sp, { workspaceId: ws, templateId: c.task.reward_template_id!, profileId: c.profileId, issueKey: key, now, timeZone: zones.get(ws)! }));
        couponId = issued.coupon.id;
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        couponError = error.code;
      }
    }
    await tx.execute(sql`
      update loyalty_task_progress set reward_points = ${c.task.reward_points}, reward_coupon_id = ${couponId}::uuid, reward_coupon_error = ${couponError}
      where workspace_id = ${ws}::uuid and task_id = ${c.task.id}::uuid and profile_id = ${c.profileId}::uuid and period_key = ${c.periodKey}`);
    events.push({
      workspaceId: ws,
      profileId: c.profileId,
      kind: "task.completed" as const,
      payload: { taskId: c.task.id, taskCode: c.task.code, taskName: c.task.name_zh, periodKey: c.periodKey, rewardPoints: c.task.reward_points, couponId, couponError },
    });
  }
  await appendProfileEvents(tx, now, events);
}
