import type { Db, Warehouse } from "@siyu/storage";
import type {
  EventsQuery,
  FunnelDroppedBody,
  FunnelDroppedPageDto,
  FunnelQuery,
  PathsQuery,
  RetentionQuery,
  SaveDroppedSegmentBody,
  SavedDroppedSegmentDto,
} from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import { maskName, type PiiAccess, type SegmentsService } from "../../segments";
import type { TagsService } from "../../tags";
import type { WorkspacesService } from "../../workspaces";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { analyseEvents } from "./event-analysis.query";
import { exploreErrors } from "./explore.errors";
import { analyseFunnel, droppedCustomers } from "./funnel.query";
import { analysePaths } from "./paths.query";
import { analyseRetention } from "./retention.query";
import { createSavedReportsService } from "./saved-reports.service";

/** The most customers a funnel drill saves as a segment (a manual tag holds them). */
export const MAX_SAVED_DROPPED = 100_000;
/** A tag assignment call takes at most this many profile ids. */
const ASSIGN_CHUNK = 10_000;

export interface ExploreDeps {
  db: Db;
  warehouse?: Warehouse;
  clock: Clock;
  workspaces: Pick<WorkspacesService, "get">;
  tags: Pick<TagsService, "create" | "assign" | "remove">;
  segments: Pick<SegmentsService, "create">;
}

export function createExploreService(deps: ExploreDeps) {
  const on = async <T>(ctx: WorkspaceContext, run: (warehouse: Warehouse, timeZone: string) => Promise<T>): Promise<T> => {
    if (!deps.warehouse) throw exploreErrors.error("analytics.warehouse_unavailable", "The event warehouse is not open in this process.");
    const { timezone } = await deps.workspaces.get(ctx.workspaceId);
    return run(deps.warehouse, timezone);
  };
  return {
    events: (ctx: WorkspaceContext, query: EventsQuery) => on(ctx, (w, tz) => analyseEvents(w, ctx.workspaceId, tz, query)),
    funnel: (ctx: WorkspaceContext, query: FunnelQuery) => on(ctx, (w, tz) => analyseFunnel(w, ctx.workspaceId, tz, query)),
    retention: (ctx: WorkspaceContext, query: RetentionQuery) => on(ctx, (w, tz) => analyseRetention(w, ctx.workspaceId, tz, query)),
    paths: (ctx: WorkspaceContext, query: PathsQuery) => on(ctx, (w, tz) => analysePaths(w, ctx.workspaceId, tz, query)),

    /** Customers who dropped at a step, a page at a time (names masked without customers.pii). */
    funnelDropped: (ctx: WorkspaceContext, body: FunnelDroppedBody, access: PiiAccess): Promise<FunnelDroppedPageDto> =>
      on(ctx, async (w, tz) => {
        const { items, total } = await droppedCustomers(w, ctx.workspaceId, tz, { ...body, limit: body.limit + 1 });
        const page = items.slice(0, body.limit);
        return {
          items: page.map((c) => ({ profileId: c.profileId, name: access.pii ? c.name : maskName(c.name), lastStepAt: c.lastStepAt.toISOString() })),
          total,
          nextCursor: items.length > body.limit ? page[page.length - 1]!.profileId : null,
        };
      }),

    /**
     * Saves the customers who dropped at a step as a segment with a fixed list: a new manual
     * tag is given to them, and the segment is "holds this tag". The list stays as it was
     * when saved (tags change only when someone changes them). If a step fails, the tag made
     * for it is removed again.
     */
    saveDroppedAsSegment: (ctx: WorkspaceContext, body: SaveDroppedSegmentBody): Promise<SavedDroppedSegmentDto> =>
      on(ctx, async (w, tz) => {
        const { items } = await droppedCustomers(w, ctx.workspaceId, tz, { ...body, limit: MAX_SAVED_DROPPED + 1 });
        if (items.length > MAX_SAVED_DROPPED) {
          throw exploreErrors.error("analytics.too_many_customers", `More than ${MAX_SAVED_DROPPED} customers dropped at this step; narrow the funnel first.`);
        }
        const tag = await deps.tags.create(ctx, { kind: "manual", name: body.name });
        try {
          const ids = items.map((c) => c.profileId);
          // An empty list is saved too: the segment then says nobody dropped there when it was saved.
          for (let i = 0; i < ids.length; i += ASSIGN_CHUNK) await deps.tags.assign(ctx, tag.id, { profileIds: ids.slice(i, i + ASSIGN_CHUNK) }, "import");
          const step = body.query.steps[body.step]!.event;
          const segment = await deps.segments.create(ctx, {
            name: body.name,
            description: body.description ?? `Dropped before ${step} (step ${body.step + 1}) of a funnel, ${body.query.period.from} – ${body.query.period.to}`,
            rule: { type: "tag", tagId: tag.id },
          });
          await appendAuditEntry(deps.db, deps.clock, ctx, {
            action: "analytics.funnel_segment_saved",
            targetType: "segment",
            targetId: segment.id,
            summary: `Saved ${ids.length} customers who dropped before ${step} as segment ${body.name}`,
            after: { query: body.query, step: body.step, group: body.group, tagId: tag.id, size: ids.length },
          });
          return { segmentId: segment.id, tagId: tag.id, size: segment.size ?? ids.length };
        } catch (error) {
          await deps.tags.remove(ctx, tag.id).catch(() => undefined);
          throw error;
        }
      }),

    reports: createSavedReportsService(deps),
  };
}
export type ExploreService = ReturnType<typeof createExploreService>;
