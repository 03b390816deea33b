import { and, desc, eq, inArray, sql, type SQL } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { JourneyTaskDto, JourneyTaskListDto, JourneyTasksQuery } from "@siyu/contracts";
import { appendAuditEntry } from "../audit";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { isUuid } from "../shared/ids";
import { journeyErrors } from "./journeys.errors";
import { journeyStoreTasks } from "./journeys.schema";

function toTaskDto(t: typeof journeyStoreTasks.$inferSelect): JourneyTaskDto {
  return {
    id: t.id,
    journeyId: t.journeyId,
    runId: t.runId,
    nodeId: t.nodeId,
    profileId: t.profileId,
    storeId: t.storeId,
    title: t.title,
    note: t.note,
    status: t.status as JourneyTaskDto["status"],
    createdAt: t.createdAt.toISOString(),
    completedAt: t.completedAt?.toISOString() ?? null,
    completedBy: t.completedBy,
  };
}

/** A store manager sees the tasks of their stores only. */
function visible(ctx: WorkspaceContext): SQL[] {
  const where = [eq(journeyStoreTasks.workspaceId, ctx.workspaceId)];
  if (ctx.storeIds !== null) where.push(ctx.storeIds.length ? inArray(journeyStoreTasks.storeId, [...ctx.storeIds]) : sql`false`);
  return where;
}

export async function listTasks(db: Db, ctx: WorkspaceContext, query: JourneyTasksQuery): Promise<JourneyTaskListDto> {
  const where = visible(ctx);
  if (query.status) where.push(eq(journeyStoreTasks.status, query.status));
  if (query.storeId) where.push(eq(journeyStoreTasks.storeId, query.storeId));
  const found = await db.select().from(journeyStoreTasks).where(and(...where)).orderBy(desc(journeyStoreTasks.createdAt), desc(journeyStoreTasks.id)).limit(query.limit);
  return { items: found.map(toTaskDto) };
}

/** Marks a task done (again: no change). */
export async function completeTask(db: Db, clock: Clock, ctx: WorkspaceContext, taskId: string): Promise<JourneyTaskDto> {
  const [task] = isUuid(taskId) ? await db.select().from(journeyStoreTasks).where(and(...visible(ctx), eq(journeyStoreTasks.id, taskId))) : [];
  if (!task) throw journeyErrors.error("journeys.task_not_found", "No such task.");
  if (task.status === "done") return toTaskDto(task);
  return db.transaction(async (tx) => {
    const [done] = await tx
      .update(journeyStoreTasks)
      .set({ status: "done", completedAt: clock.now(), completedBy: ctx.actor.name })
      .where(eq(journeyStoreTasks.id, taskId))
      .returning();
    await appendAuditEntry(tx, clock, ctx, { action: "journey.task_completed", targetType: "journey_task", targetId: taskId, summary: `Completed store task "${task.title}"` });
    return toTaskDto(done!);
  });
}
