import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { CreateTaskBody, type CreateTaskInput, type MemberTaskDto, type TaskDto } from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { isUuid, newId } from "../../shared/ids";
import { workspaceTimeZone } from "../loyalty-workspace";
import { loyaltyErrors } from "../loyalty.errors";
import { withUniqueCode } from "../unique-code";
import { rows } from "../points/points.ledger";
import { needed, periodOf, windowClosesAt } from "./task-rules";
import { memberProgress, tasksOf, toTaskDto, type TaskRow } from "./tasks.rows";

export interface TasksDeps {
  db: Db;
  clock: Clock;
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
}

/** A reward coupon must be a template of the workspace that is not deleted. */
async function checkRewardTemplate(db: Db, workspaceId: string, templateId: string | null) {
  if (templateId === null) return;
  const [t] = await rows<{ status: string }>(db, sql`select status from coupon_templates where workspace_id = ${workspaceId}::uuid and id = ${templateId}::uuid`);
  if (!t || t.status === "archived") {
    throw loyaltyErrors.error("loyalty.unknown_reward_template", "rewardTemplateId: no such coupon template in this workspace", { path: ["rewardTemplateId"] });
  }
}

function values(b: CreateTaskBody) {
  return sql`${b.code}, ${b.nameZh}, ${b.nameEn}, ${b.description}, ${b.kind}, ${b.windowDays}, ${JSON.stringify(b.steps)}::jsonb, ${b.rewardPoints},
    ${b.rewardTemplateId}::uuid, ${b.status}, ${b.position}`;
}

export function createTasksService(deps: TasksDeps) {
  const { db, clock } = deps;

  async function find(dbOrTx: Db, workspaceId: string, taskId: string, lock = false): Promise<TaskRow> {
    const [t] = isUuid(taskId)
      ? await rows<TaskRow>(dbOrTx, sql`select * from loyalty_tasks where workspace_id = ${workspaceId}::uuid and id = ${taskId}::uuid ${lock ? sql`for update` : sql``}`)
      : [];
    if (!t || t.status === "archived") throw loyaltyErrors.error("loyalty.task_not_found", "No such task");
    return t;
  }

  /** Each task with the member's progress in its current period (the workspace's local day or week). */
  async function memberTasks(workspaceId: string, profileId: string, statuses: TaskDto["status"][]): Promise<MemberTaskDto[]> {
    const now = clock.now();
    const tasks = await tasksOf(db, [workspaceId], statuses);
    if (tasks.length === 0) return [];
    const timeZone = await workspaceTimeZone(db, workspaceId);
    const [member] = await rows<{ first_seen_at: string | null; created_at: string }>(db, sql`select first_seen_at, created_at from profiles where id = ${profileId}::uuid`);
    const firstSeen = member ? new Date(member.first_seen_at ?? member.created_at) : null;
    // With what profiles merged into the member counted, before the tasks consumer folds it in.
    const progress = (await memberProgress(db, workspaceId, [profileId], { taskIds: tasks.map((t) => t.id) })).combined;
    return tasks.map((t) => {
      const periodKey = periodOf(t.kind, now, timeZone);
      const p = progress.find((r) => r.task_id === t.id && r.period_key === periodKey);
      const closesAt = windowClosesAt({ kind: t.kind, windowDays: t.window_days }, firstSeen);
      return {
        task: toTaskDto(t),
        periodKey,
        open: t.status === "active" && (t.kind !== "new_member" || (closesAt !== null && now < closesAt)),
        closesAt: closesAt?.toISOString() ?? null,
        steps: t.steps.map((s, i) => {
          const done = Math.min(p?.counts[i] ?? 0, needed(s));
          return { done, needed: needed(s), complete: done >= needed(s) };
        }),
        completedAt: p?.completed_at ? new Date(p.completed_at).toISOString() : null,
        reward: p?.completed_at ? { points: p.reward_points, couponId: p.reward_coupon_id, couponError: p.reward_coupon_error } : null,
      };
    });
  }

  return {
    async list(ctx: WorkspaceContext): Promise<TaskDto[]> {
      return (await tasksOf(db, [ctx.workspaceId], ["active", "paused"])).map(toTaskDto);
    },

    async get(ctx: WorkspaceContext, taskId: string): Promise<TaskDto> {
      return toTaskDto(await find(db, ctx.workspaceId, taskId));
    },

    /** Events from now on count (activeFrom): history loaded later does not pay out. */
    async create(ctx: WorkspaceContext, input: CreateTaskInput): Promise<TaskDto> {
      const body = CreateTaskBody.parse(input);
      const now = clock.now().toISOString();
      return withUniqueCode("task", body.code, () =>
          db.transaction(async (tx) => {
            await checkRewardTemplate(tx, ctx.workspaceId, body.rewardTemplateId);
            const [t] = await rows<TaskRow>(
              tx,
              sql`insert into loyalty_tasks (id, workspace_id, code, name_zh, name_en, description, kind, window_days, steps, reward_points, reward_template_id, status, position,
                    active_from, created_at, updated_at)
                  values (${newId()}::uuid, ${ctx.workspaceId}::uuid, ${values(body)}, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz) returning *`,
            );
            await appendAuditEntry(tx, clock, ctx, { action: "loyalty.task_created", targetType: "loyalty_task", targetId: t!.id, summary: `Task "${body.nameZh}" created`, after: body as unknown as Record<string, unknown> });
            return toTaskDto(t!);
          }),
      );
    },

    /** Replaces the definition; progress already made stays (counts beyond a lowered step count are capped when read). */
    async update(ctx: WorkspaceContext, taskId: string, input: CreateTaskInput): Promise<TaskDto> {
      const body = CreateTaskBody.parse(input);
      return withUniqueCode("task", body.code, () =>
          db.transaction(async (tx) => {
            const before = await find(tx, ctx.workspaceId, taskId, true);
            await checkRewardTemplate(tx, ctx.workspaceId, body.rewardTemplateId);
            const [t] = await rows<TaskRow>(
              tx,
              sql`update loyalty_tasks set (code, name_zh, name_en, description, kind, window_days, steps, reward_points, reward_template_id, status, position) = (${values(body)}),
                    updated_at = ${clock.now().toISOString()}::timestamptz
                  where id = ${taskId}::uuid returning *`,
            );
            await appendAuditEntry(tx, clock, ctx, {
              action: "loyalty.task_updated",
              targetType: "loyalty_task",
              targetId: taskId,
              summary: `Task "${body.nameZh}" changed`,
              before: toTaskDto(before) as unknown as Record<string, unknown>,
              after: body as unknown as Record<string, unknown>,
            });
            return toTaskDto(t!);
          }),
      );
    },

    /** Archives: no more progress, no longer listed; completions and rewards stay. */
    async archive(ctx: WorkspaceContext, taskId: string): Promise<void> {
      await db.transaction(async (tx) => {
        const t = await find(tx, ctx.workspaceId, taskId, true);
        await tx.execute(sql`update loyalty_tasks set status = 'archived', code = code || '#' || id, updated_at = ${clock.now().toISOString()}::timestamptz where id = ${taskId}::uuid`);
        await appendAuditEntry(tx, clock, ctx, { action: "loyalty.task_archived", targetType: "loyalty_task", targetId: taskId, summary: `Task "${t.name_zh}" archived` });
      });
    },

    /** The operator's view of a customer: active and paused tasks with the member's progress. */
    async ofCustomer(ctx: WorkspaceContext, profileId: string): Promise<MemberTaskDto[]> {
      return memberTasks(ctx.workspaceId, await deps.resolveProfileId(ctx, profileId), ["active", "paused"]);
    },

    /** The member's view (member-facing API): the active tasks with their progress. `profileId` must be the live profile. */
    async forMember(workspaceId: string, profileId: string): Promise<MemberTaskDto[]> {
      return memberTasks(workspaceId, profileId, ["active"]);
    },
  };
}
export type TasksService = ReturnType<typeof createTasksService>;
