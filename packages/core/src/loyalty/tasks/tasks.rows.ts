import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { TaskDto, TaskStep } from "@siyu/contracts";
import { rows } from "../points/points.ledger";
import type { TaskRule } from "./task-rules";

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
