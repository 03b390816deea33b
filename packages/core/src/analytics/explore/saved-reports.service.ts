import { and, asc, eq } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { EventsQuery, FunnelQuery, PathsQuery, RetentionQuery, type CreateSavedReportBody, type SavedReportDto, type UpdateSavedReportBody } from "@siyu/contracts";
import type { z } from "zod";
import { appendAuditEntry, diffFields } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { newId } from "../../shared/ids";
import { exploreErrors } from "./explore.errors";
import { savedReports } from "./saved-reports.schema";

/** The query schema of each explore report kind; other kinds are stored as given. */
const QUERY_SCHEMAS: Record<string, z.ZodType> = { events: EventsQuery, funnel: FunnelQuery, retention: RetentionQuery, paths: PathsQuery };

type Row = typeof savedReports.$inferSelect;

function toDto(row: Row): SavedReportDto {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    description: row.description,
    query: row.query,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A query of a known kind must parse as that kind's body; the problems name the field under `query`. */
function checkQuery(kind: string, query: Record<string, unknown>): Record<string, unknown> {
  const schema = QUERY_SCHEMAS[kind];
  if (!schema) return query;
  const parsed = schema.safeParse(query);
  if (parsed.success) return query;
  throw exploreErrors.error(
    "analytics.invalid_report_query",
    `The query is not a valid ${kind} query.`,
    parsed.error.issues.map((i) => ({ path: ["query", ...i.path].join("."), message: i.message })),
  );
}

export function createSavedReportsService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const load = async (ctx: WorkspaceContext, id: string): Promise<Row> => {
    const [row] = await db.select().from(savedReports).where(and(eq(savedReports.workspaceId, ctx.workspaceId), eq(savedReports.id, id)));
    if (!row) throw exploreErrors.error("analytics.report_not_found", "No such saved report.");
    return row;
  };
  return {
    list: async (ctx: WorkspaceContext, kind?: string): Promise<SavedReportDto[]> => {
      const rows = await db
        .select()
        .from(savedReports)
        .where(and(eq(savedReports.workspaceId, ctx.workspaceId), kind ? eq(savedReports.kind, kind) : undefined))
        .orderBy(asc(savedReports.kind), asc(savedReports.name), asc(savedReports.id));
      return rows.map(toDto);
    },
    get: async (ctx: WorkspaceContext, id: string) => toDto(await load(ctx, id)),
    create: async (ctx: WorkspaceContext, body: CreateSavedReportBody): Promise<SavedReportDto> => {
      const now = clock.now();
      const row: Row = {
        id: newId(),
        workspaceId: ctx.workspaceId,
        kind: body.kind,
        name: body.name,
        description: body.description ?? null,
        query: checkQuery(body.kind, body.query),
        createdBy: ctx.actor.name,
        createdAt: now,
        updatedAt: now,
      };
      await db.transaction(async (tx) => {
        await tx.insert(savedReports).values(row);
        await appendAuditEntry(tx, clock, ctx, {
          action: "analytics.report_created",
          targetType: "saved_report",
          targetId: row.id,
          summary: `Saved ${row.kind} report ${row.name}`,
          after: { kind: row.kind, name: row.name, description: row.description, query: row.query },
        });
      });
      return toDto(row);
    },
    update: async (ctx: WorkspaceContext, id: string, body: UpdateSavedReportBody): Promise<SavedReportDto> =>
      db.transaction(async (tx) => {
        const [before] = await tx
          .select()
          .from(savedReports)
          .where(and(eq(savedReports.workspaceId, ctx.workspaceId), eq(savedReports.id, id)))
          .for("update");
        if (!before) throw exploreErrors.error("analytics.report_not_found", "No such saved report.");
        const after: Row = {
          ...before,
          name: body.name ?? before.name,
          description: body.description === undefined ? before.description : body.description,
          query: body.query ? checkQuery(before.kind, body.query) : before.query,
          updatedAt: clock.now(),
        };
        await tx
          .update(savedReports)
          .set({ name: after.name, description: after.description, query: after.query, updatedAt: after.updatedAt })
          .where(eq(savedReports.id, id));
        const diff = diffFields(before, after, ["name", "description", "query"]);
        await appendAuditEntry(tx, clock, ctx, { action: "analytics.report_updated", targetType: "saved_report", targetId: id, summary: `Changed ${after.kind} report ${after.name}`, ...diff });
        return toDto(after);
      }),
    remove: async (ctx: WorkspaceContext, id: string): Promise<void> =>
      db.transaction(async (tx) => {
        const [row] = await tx
          .delete(savedReports)
          .where(and(eq(savedReports.workspaceId, ctx.workspaceId), eq(savedReports.id, id)))
          .returning();
        if (!row) throw exploreErrors.error("analytics.report_not_found", "No such saved report.");
        await appendAuditEntry(tx, clock, ctx, {
          action: "analytics.report_deleted",
          targetType: "saved_report",
          targetId: id,
          summary: `Deleted ${row.kind} report ${row.name}`,
          before: { kind: row.kind, name: row.name, description: row.description, query: row.query },
        });
      }),
  };
}
export type SavedReportsService = ReturnType<typeof createSavedReportsService>;
