import { asc, eq, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { CreateSegmentBody, SegmentDto, SegmentRule, SegmentSummaryDto, UpdateSegmentBody } from "@siyu/contracts";
import { appendAuditEntry, diffFields } from "../audit";
import { appendProfileEvents } from "../profile-events";
import type { WorkspaceContext } from "../shared/context";
import { newId } from "../shared/ids";
import { ttlCache } from "../shared/ttl-cache";
import { refreshProfileSnapshot, snapshotRefresher } from "../warehouse";
import { referencedSegments } from "./rule-validator";
import { segmentErrors } from "./segments.errors";
import { segmentMembers, segments, segmentSizeHistory } from "./segments.schema";
import { SEGMENT_LIMITS, type SegmentSettings } from "./segments.settings";
import { catalogueOf, discoverCustomTraits, type TraitCatalogue } from "./trait-catalogue";
import { catalogueDto, loadSettings, updateSettings } from "./segment-catalogue";
import { checkRule, compileFor, evaluate, findSegment } from "./segment-evaluation";
import { exportCsv, history, members, preview, refreshDue, refreshSegment } from "./segment-membership";
import { needWarehouse, type Env, type PiiAccess, type SegmentRow, type SegmentsDeps } from "./segments.types";

export function createSegmentsService(deps: SegmentsDeps) {
  const customTraits = ttlCache((ws: string) => discoverCustomTraits(needWarehouse(deps), ws), 30_000);
  const catalogue = async (workspaceId: string): Promise<TraitCatalogue> => catalogueOf(deps.warehouse ? await customTraits.get(workspaceId, undefined) : []);
  const refresher = deps.warehouse ? snapshotRefresher({ db: deps.db, warehouse: deps.warehouse, clock: deps.clock, refresh: deps.refreshSnapshot }) : null;
  const snapshot = async (workspaceId: string, maxAgeMs = 0) => {
    if (!refresher) {
      if (deps.refreshSnapshot !== null) needWarehouse(deps);
      return;
    }
    if (await refresher(workspaceId, maxAgeMs)) customTraits.invalidate(workspaceId);
  };
  const env = { deps, catalogue, snapshot };
  const matchSnapshots = new Map<string, number>();
  return {
    list: (ctx: WorkspaceContext) => listSegments(deps.db, ctx),
    get: (ctx: WorkspaceContext, segmentId: string) => getSegment(deps.db, ctx, segmentId),
    create: (ctx: WorkspaceContext, input: CreateSegmentBody) => createSegment(env, ctx, input),
    update: (ctx: WorkspaceContext, segmentId: string, input: UpdateSegmentBody) => updateSegment(env, ctx, segmentId, input),
    remove: (ctx: WorkspaceContext, segmentId: string) => removeSegment(deps, ctx, segmentId),
    /** Validates a rule; throws segments.invalid_rule naming each problem's path. */
    validate: (ctx: WorkspaceContext, rule: unknown, selfId?: string) => checkRule(env, ctx.workspaceId, rule, selfId),
    preview: (ctx: WorkspaceContext, rule: SegmentRule, sampleSize: number, access: PiiAccess) => preview(env, ctx, rule, sampleSize, access),
    /** Re-evaluates a segment now (after refreshing the workspace's profile snapshot). */
    refresh: async (ctx: WorkspaceContext, segmentId: string) => {
      const row = await findSegment(deps.db, ctx, segmentId);
      await snapshot(ctx.workspaceId);
      const result = await refreshSegment(env, row);
      await appendAuditEntry(deps.db, deps.clock, ctx, {
        action: "segment.refreshed",
        targetType: "segment",
        targetId: row.id,
        summary: `Refreshed segment ${row.name}: ${result.size} members (${result.entered} entered, ${result.exited} exited)`,
      });
      return result;
    },
    /** Refreshes every segment whose interval has passed (all workspaces); returns how many ran. */
    refreshDue: () => refreshDue(env),
    members: (ctx: WorkspaceContext, segmentId: string, query: { limit: number; cursor?: string }, access: PiiAccess) => members(deps.db, ctx, segmentId, query, access),
    history: (ctx: WorkspaceContext, segmentId: string) => history(deps.db, ctx, segmentId),
    exportCsv: (ctx: WorkspaceContext, segmentId: string, access: PiiAccess) => exportCsv(deps.db, ctx, segmentId, access),
    catalogue: (ctx: WorkspaceContext) => catalogueDto(env, ctx),
    settings: (workspaceId: string) => loadSettings(deps.db, workspaceId),
    updateSettings: (ctx: WorkspaceContext, input: Partial<SegmentSettings>) => updateSettings(deps, ctx, input),
    /** The live profiles matching a rule at `now` (default: the clock), for journeys, exports and dashboards. */
    evaluateRule: (workspaceId: string, rule: SegmentRule, options: { now?: Date } = {}) => evaluate(env, workspaceId, rule, options.now ?? deps.clock.now()),
    /**
     * Which of `profileIds` match a rule at `now` (journeys: audience, condition nodes). Brings the
     * workspace's profile snapshot up to date first unless it was refreshed in the last minute.
     * `on`: the caller's transaction, for the PostgreSQL reads (PGlite has one connection).
     */
    matchProfiles: async (workspaceId: string, rule: SegmentRule, profileIds: readonly string[], options: { now?: Date; on?: Db } = {}): Promise<Set<string>> => {
      if (profileIds.length === 0) return new Set();
      const warehouse = needWarehouse(deps);
      const on = options.on ?? deps.db;
      const last = matchSnapshots.get(workspaceId);
      const nowMs = deps.clock.now().getTime();
      if (deps.refreshSnapshot !== null && (last === undefined || nowMs - last >= 60_000)) {
        matchSnapshots.set(workspaceId, nowMs);
        if (deps.refreshSnapshot) await deps.refreshSnapshot(workspaceId);
        else await refreshProfileSnapshot({ db: on, warehouse, workspaceId });
        customTraits.invalidate(workspaceId);
      }
      const compiled = await compileFor({ ...env, deps: { ...deps, db: on } }, workspaceId, rule, options.now ?? deps.clock.now());
      const list = `$${compiled.params.length + 1}`;
      const found = await warehouse.query<{ profile_id: string }>(
        `select profile_id::varchar as profile_id from (${compiled.sql}) m where m.profile_id::varchar in (select unnest(string_split(${list}::varchar, ',')))`,
        [...compiled.params, profileIds.join(",")],
      );
      return new Set(found.map((r) => r.profile_id));
    },
    countRule: async (workspaceId: string, rule: SegmentRule, options: { now?: Date } = {}) => {
      const compiled = await compileFor(env, workspaceId, rule, options.now ?? deps.clock.now());
      const [row] = await needWarehouse(deps).query<{ n: bigint }>(`select count(*) as n from (${compiled.sql})`, compiled.params);
      return Number(row?.n ?? 0);
    },
  };
}
export type SegmentsService = ReturnType<typeof createSegmentsService>;

// ---------------------------------------------------------------------------------------------
// CRUD

async function trendsOf(db: Db, segmentIds: string[]) {
  const trends = new Map<string, { at: string; size: number }[]>();
  if (!segmentIds.length) return trends;
  const result = (await db.execute(sql`
    select segment_id, at, size from (
      select segment_id, at, size, row_number() over (partition by segment_id order by at desc) as rn
      from segment_size_history where segment_id = any(${`{${segmentIds.join(",")}}`}::uuid[])
    ) h where rn <= ${SEGMENT_LIMITS.trendPoints} order by segment_id, at`)) as unknown as { rows: { segment_id: string; at: string | Date; size: number }[] };
  for (const r of result.rows) {
    const list = trends.get(r.segment_id) ?? [];
    list.push({ at: new Date(r.at).toISOString(), size: Number(r.size) });
    trends.set(r.segment_id, list);
  }
  return trends;
}

function toSummary(row: SegmentRow, trend: { at: string; size: number }[]): SegmentSummaryDto {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    size: row.size,
    lastRefreshedAt: row.lastRefreshedAt?.toISOString() ?? null,
    refreshEveryMinutes: row.refreshEveryMinutes,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    sizeTrend: trend,
  };
}

async function toDto(db: Db, row: SegmentRow): Promise<SegmentDto> {
  const trends = await trendsOf(db, [row.id]);
  return { ...toSummary(row, trends.get(row.id) ?? []), rule: row.rule };
}

async function listSegments(db: Db, ctx: WorkspaceContext) {
  const rows = await db.select().from(segments).where(eq(segments.workspaceId, ctx.workspaceId)).orderBy(asc(segments.name), asc(segments.id));
  const trends = await trendsOf(db, rows.map((r) => r.id));
  return rows.map((r) => toSummary(r, trends.get(r.id) ?? []));
}

async function getSegment(db: Db, ctx: WorkspaceContext, segmentId: string) {
  return toDto(db, await findSegment(db, ctx, segmentId));
}

async function createSegment(env: Env, ctx: WorkspaceContext, input: CreateSegmentBody): Promise<SegmentDto> {
  const { db, clock } = env.deps;
  needWarehouse(env.deps);
  // New customers and new traits count: the snapshot first, then the rule is checked against it.
  await env.snapshot(ctx.workspaceId);
  const rule = await checkRule(env, ctx.workspaceId, input.rule);
  const settings = await loadSettings(db, ctx.workspaceId);
  const now = clock.now();
  const row: SegmentRow = {
    id: newId(),
    workspaceId: ctx.workspaceId,
    name: input.name,
    description: input.description ?? null,
    rule,
    refreshEveryMinutes: input.refreshEveryMinutes ?? settings.defaultRefreshEveryMinutes,
    size: null,
    lastRefreshedAt: null,
    createdAt: now,
    updatedAt: now,
    createdBy: ctx.actor.name,
  };
  await db.transaction(async (tx) => {
    await tx.insert(segments).values(row);
    await appendAuditEntry(tx, clock, ctx, {
      action: "segment.created",
      targetType: "segment",
      targetId: row.id,
      summary: `Created segment ${row.name}`,
      after: { name: row.name, description: row.description, rule: row.rule, refreshEveryMinutes: row.refreshEveryMinutes },
    });
  });
  await refreshSegment(env, row);
  return getSegment(db, ctx, row.id);
}

async function updateSegment(env: Env, ctx: WorkspaceContext, segmentId: string, input: UpdateSegmentBody): Promise<SegmentDto> {
  const { db, clock } = env.deps;
  const before = await findSegment(db, ctx, segmentId);
  const ruleChanged = input.rule !== undefined && JSON.stringify(before.rule) !== JSON.stringify(input.rule);
  if (ruleChanged) await env.snapshot(ctx.workspaceId);
  const rule = input.rule === undefined ? before.rule : await checkRule(env, ctx.workspaceId, input.rule, segmentId);
  const after: SegmentRow = {
    ...before,
    name: input.name ?? before.name,
    description: input.description === undefined ? before.description : input.description,
    rule,
    refreshEveryMinutes: input.refreshEveryMinutes ?? before.refreshEveryMinutes,
    updatedAt: clock.now(),
  };
  const keys = ["name", "description", "rule", "refreshEveryMinutes"] as const;
  const diff = diffFields(before as unknown as Record<string, unknown>, after as unknown as Record<string, unknown>, keys);
  await db.transaction(async (tx) => {
    await tx
      .update(segments)
      .set({ name: after.name, description: after.description, rule: after.rule, refreshEveryMinutes: after.refreshEveryMinutes, updatedAt: after.updatedAt })
      .where(eq(segments.id, segmentId));
    if (Object.keys(diff.after).length) {
      await appendAuditEntry(tx, clock, ctx, { action: "segment.updated", targetType: "segment", targetId: segmentId, summary: `Changed segment ${after.name}`, ...diff });
    }
  });
  if (ruleChanged) {
    await refreshSegment(env, after);
    // Segments that reference this one (directly or not) change with it: refresh them too.
    for (const dependent of await dependentsOf(db, ctx.workspaceId, segmentId)) await refreshSegment(env, dependent);
  }
  return getSegment(db, ctx, segmentId);
}

/** Segments whose rule reaches `segmentId` through references, nearest first. */
async function dependentsOf(db: Db, workspaceId: string, segmentId: string): Promise<SegmentRow[]> {
  const rows = await db.select().from(segments).where(eq(segments.workspaceId, workspaceId));
  const found: SegmentRow[] = [];
  const seen = new Set([segmentId]);
  for (let frontier = [segmentId]; frontier.length; ) {
    const next: string[] = [];
    for (const row of rows) {
      if (seen.has(row.id) || !referencedSegments(row.rule).some((id) => frontier.includes(id))) continue;
      seen.add(row.id);
      found.push(row);
      next.push(row.id);
    }
    frontier = next;
  }
  return found;
}

async function removeSegment(deps: SegmentsDeps, ctx: WorkspaceContext, segmentId: string) {
  const row = await findSegment(deps.db, ctx, segmentId);
  const others = await deps.db.select({ id: segments.id, name: segments.name, rule: segments.rule }).from(segments).where(eq(segments.workspaceId, ctx.workspaceId));
  const users = others.filter((o) => o.id !== segmentId && referencedSegments(o.rule).includes(segmentId));
  if (users.length) {
    throw segmentErrors.error("segments.in_use", `Segment ${row.name} is used by ${users.map((u) => u.name).join(", ")}; change those first.`, {
      segments: users.map((u) => ({ id: u.id, name: u.name })),
    });
  }
  await deps.db.transaction(async (tx) => {
    // Waits for a refresh in progress; every member then leaves, as in a refresh, so a journey
    // waiting on "exited" sees it.
    await tx.select({ id: segments.id }).from(segments).where(eq(segments.id, segmentId)).for("update");
    const left = await tx.delete(segmentMembers).where(eq(segmentMembers.segmentId, segmentId)).returning({ profileId: segmentMembers.profileId });
    const payload = { segmentId, segmentName: row.name, reason: "segment_deleted" };
    await appendProfileEvents(
      tx,
      deps.clock.now(),
      left.map((m) => ({ workspaceId: ctx.workspaceId, profileId: m.profileId, kind: "segment.exited" as const, payload })),
    );
    await tx.delete(segmentSizeHistory).where(eq(segmentSizeHistory.segmentId, segmentId));
    await tx.delete(segments).where(eq(segments.id, segmentId));
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "segment.deleted",
      targetType: "segment",
      targetId: segmentId,
      summary: `Deleted segment ${row.name}`,
      before: { name: row.name, description: row.description, rule: row.rule },
    });
  });
}
