import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { TaskDto, TaskStep } from "@siyu/contracts";
import { profilesMergedInto } from "../../profiles";
import { rows } from "../points/points.ledger";
import { needed, type TaskRule } from "./task-rules";

export interface TaskRow {
  id: string;
  workspace_id: string;
  code: string;
  name_zh: string;
  name_en: string;
  description: string;
  kind: TaskDto["kind"];
  window_days: number | null;
  steps: TaskStep[];
  reward_points: number | null;
  reward_template_id: string | null;
  status: TaskDto["status"];
  position: number;
  active_from: string | Date;
  created_at: string | Date;
  updated_at: string | Date;
}

const iso = (v: string | Date) => new Date(v).toISOString();

export function toTaskDto(t: TaskRow): TaskDto {
  return {
    id: t.id,
    code: t.code,
    nameZh: t.name_zh,
    nameEn: t.name_en,
    description: t.description,
    kind: t.kind,
    windowDays: t.window_days,
    steps: t.steps,
    rewardPoints: t.reward_points,
    rewardTemplateId: t.reward_template_id,
    status: t.status,
    position: t.position,
    activeFrom: iso(t.active_from),
    createdAt: iso(t.created_at),
    updatedAt: iso(t.updated_at),
  };
}

export function toTaskRule(t: TaskRow): TaskRule {
  return { kind: t.kind, windowDays: t.window_days, steps: t.steps, activeFrom: new Date(t.active_from) };
}

/** The workspaces' tasks in `statuses`, in list order. */
export async function tasksOf(db: Db, workspaceIds: readonly string[], statuses: readonly TaskDto["status"][]): Promise<TaskRow[]> {
  if (workspaceIds.length === 0) return [];
  return rows<TaskRow>(
    db,
    sql`select * from loyalty_tasks where workspace_id = any(${`{${workspaceIds.join(",")}}`}::uuid[])
        and status in (select jsonb_array_elements_text(${JSON.stringify(statuses)}::jsonb)) order by position, created_at`,
  );
}

export interface ProgressRow {
  task_id: string;
  profile_id: string;
  period_key: string;
  counts: number[];
  completed_at: string | Date | null;
  reward_points: number | null;
  reward_coupon_id: string | null;
  reward_coupon_error: string | null;
}

/**
 * Two profiles' progress on one task period as one person's (after a merge): each step's counts added,
 * capped at what the step needs; complete when either was (the earlier completion, with its reward),
 * so a merged member is never rewarded twice for a period.
 */
export function combineProgress(steps: readonly TaskStep[], a: ProgressRow, b: ProgressRow): ProgressRow {
  const counts = Array.from({ length: Math.max(a.counts.length, b.counts.length) }, (_, i) => {
    const sum = (a.counts[i] ?? 0) + (b.counts[i] ?? 0);
    return steps[i] ? Math.min(sum, needed(steps[i])) : sum;
  });
  const at = (p: ProgressRow) => (p.completed_at === null ? Infinity : new Date(p.completed_at).getTime());
  const done = at(b) < at(a) ? b : a;
  return { ...a, counts, completed_at: done.completed_at, reward_points: done.reward_points, reward_coupon_id: done.reward_coupon_id, reward_coupon_error: done.reward_coupon_error };
}

/**
 * The progress of these live profiles and of the profiles merged into them, combined per live profile,
 * task and period (combineProgress); `fold` (foldMergedProgress) reads only the members some profile was
 * merged into — none in most batches — and takes their rows for update in key order.
 */
export async function memberProgress(db: Db, workspaceId: string, liveIds: readonly string[], options: { fold?: boolean; taskIds?: readonly string[] } = {}): Promise<{ combined: ProgressRow[]; merged: ProgressRow[] }> {
  const found = await rows<ProgressRow & { live_id: string; steps: TaskStep[] }>(
    db,
    sql`with m as materialized (select id, live_id from ${profilesMergedInto(workspaceId, liveIds)} x)
        select p.task_id, p.profile_id, p.period_key, p.counts, p.completed_at, p.reward_points, p.reward_coupon_id, p.reward_coupon_error, m.live_id, t.steps
        from loyalty_task_progress p join m on m.id = p.profile_id
        join loyalty_tasks t on t.id = p.task_id
        where p.workspace_id = ${workspaceId}::uuid and p.profile_id = any(array(select id from ${options.fold ? sql`m where live_id in (select live_id from m where id <> live_id)` : sql`m`}))
          ${options.taskIds ? sql`and p.task_id = any(${`{${options.taskIds.join(",")}}`}::uuid[])` : sql``}
        order by p.task_id, p.profile_id, p.period_key
        ${options.fold ? sql`for update of p` : sql``}`,
  );
  const byKey = new Map<string, ProgressRow>();
  const merged: ProgressRow[] = [];
  // The live profile's own row first, so the combination keeps its keys.
  for (const r of [...found].sort((x, y) => Number(x.profile_id !== x.live_id) - Number(y.profile_id !== y.live_id))) {
    const { live_id, steps, ...row } = r;
    if (row.profile_id !== live_id) merged.push(row);
    const key = `${row.task_id} ${live_id} ${row.period_key}`;
    const own = { ...row, profile_id: live_id };
    const before = byKey.get(key);
    byKey.set(key, before ? combineProgress(steps, before, own) : own);
  }
  return { combined: [...byKey.values()], merged };
}

/**
 * Folds the progress of profiles merged into these live profiles into theirs (combined rows written
 * for the live profiles, the merged profiles' rows removed), inside the tasks consumer's transaction:
 * the batch then counts on and completes the person's progress, never a second copy of it.
 */
export async function foldMergedProgress(tx: Db, workspaceId: string, liveIds: readonly string[], now: Date): Promise<number> {
  const { combined, merged } = await memberProgress(tx, workspaceId, liveIds, { fold: true });
  if (merged.length === 0) return 0;
  const touched = new Set(merged.map((m) => `${m.task_id} ${m.period_key}`));
  const writes = combined.filter((c) => touched.has(`${c.task_id} ${c.period_key}`));
  await tx.execute(sql`
    delete from loyalty_task_progress p using jsonb_to_recordset(${JSON.stringify(merged.map((m) => ({ task_id: m.task_id, profile_id: m.profile_id, period_key: m.period_key })))}::jsonb)
      as x(task_id uuid, profile_id uuid, period_key text)
    where p.workspace_id = ${workspaceId}::uuid and p.task_id = x.task_id and p.profile_id = x.profile_id and p.period_key = x.period_key`);
  await tx.execute(sql`
    insert into loyalty_task_progress (workspace_id, task_id, profile_id, period_key, counts, completed_at, reward_points, reward_coupon_id, reward_coupon_error, updated_at)
    select ${workspaceId}::uuid, x.task_id, x.profile_id, x.period_key, x.counts, x.completed_at, x.reward_points, x.reward_coupon_id, x.reward_coupon_error, ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(writes)}::jsonb)
      as x(task_id uuid, profile_id uuid, period_key text, counts jsonb, completed_at timestamptz, reward_points int, reward_coupon_id uuid, reward_coupon_error text)
    on conflict (workspace_id, task_id, profile_id, period_key) do update
      set counts = excluded.counts, completed_at = excluded.completed_at, reward_points = excluded.reward_points,
        reward_coupon_id = excluded.reward_coupon_id, reward_coupon_error = excluded.reward_coupon_error, updated_at = excluded.updated_at`);
  return merged.length;
}
