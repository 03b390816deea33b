import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from "@siyu/storage/orm";
import type { Db, Warehouse } from "@siyu/storage";
import type {
  CreateSegmentBody,
  ProfileSummaryDto,
  SegmentCatalogueDto,
  SegmentDto,
  SegmentRule,
  SegmentSummaryDto,
  UpdateSegmentBody,
} from "@siyu/contracts";
import { SegmentRule as SegmentRuleSchema } from "@siyu/contracts";
import { appendAuditEntry, diffFields } from "../audit";
import { appendProfileEvents, type NewProfileEvent } from "../profile-events";
import { profiles } from "../profiles";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { isUuid, newId } from "../shared/ids";
import { decodeCursor } from "../shared/paging";
import { ttlCache } from "../shared/ttl-cache";
import { refreshProfileSnapshot } from "../warehouse";
import { workspaces } from "../workspaces";
import { maskEmail, maskName, maskPhone } from "./pii-mask";
import { compileRule } from "./rule-compiler";
import { referencedSegments, validateRule, type RuleProblem } from "./rule-validator";
import { segmentErrors } from "./segments.errors";
import { segmentMembers, segments, segmentSizeHistory } from "./segments.schema";
import { SEGMENT_LIMITS, segmentSettingsStore, type SegmentSettings } from "./segments.settings";
import { catalogueOf, discoverCustomTraits, toTraitDefinitionDto, type TraitCatalogue } from "./trait-catalogue";

export interface SegmentsDeps {
  db: Db;
  warehouse?: Warehouse;
  clock: Clock;
  /** Which of these tag ids exist in the workspace (wired to the tags module); tags go unchecked without it. */
  knownTagIds?: (workspaceId: string, ids: string[]) => Promise<Set<string>>;
  /**
   * Brings the warehouse's copy of a workspace's profiles up to date before an on-demand
   * evaluation, so new customers count. Defaults to refreshProfileSnapshot; null skips it.
   */
  refreshSnapshot?: ((workspaceId: string) => Promise<unknown>) | null;
}

/** Whether the caller sees personal data unmasked ("customers.pii"). */
export interface PiiAccess {
  pii: boolean;
}

export interface RefreshResult {
  size: number;
  entered: number;
  exited: number;
}

type SegmentRow = typeof segments.$inferSelect;

export function createSegmentsService(deps: SegmentsDeps) {
  const customTraits = ttlCache((ws: string) => discoverCustomTraits(needWarehouse(deps), ws), 30_000);
  const catalogue = async (workspaceId: string): Promise<TraitCatalogue> => catalogueOf(deps.warehouse ? await customTraits.get(workspaceId, undefined) : []);
  const snapshotAt = new Map<string, number>();
  const snapshot = async (workspaceId: string, maxAgeMs = 0) => {
    if (deps.refreshSnapshot === null) return;
    const last = snapshotAt.get(workspaceId);
    if (maxAgeMs > 0 && last !== undefined && deps.clock.now().getTime() - last < maxAgeMs) return;
    snapshotAt.set(workspaceId, deps.clock.now().getTime());
    if (deps.refreshSnapshot) await deps.refreshSnapshot(workspaceId);
    else await refreshProfileSnapshot({ db: deps.db, warehouse: needWarehouse(deps), workspaceId });
    customTraits.invalidate(workspaceId);
  };
  const env = { deps, catalogue, snapshot };
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
    countRule: async (workspaceId: string, rule: SegmentRule, options: { now?: Date } = {}) => {
      const compiled = await compileFor(env, workspaceId, rule, options.now ?? deps.clock.now());
      const [row] = await needWarehouse(deps).query<{ n: bigint }>(`select count(*) as n from (${compiled.sql})`, compiled.params);
      return Number(row?.n ?? 0);
    },
  };
}
export type SegmentsService = ReturnType<typeof createSegmentsService>;

interface Env {
  deps: SegmentsDeps;
  catalogue(workspaceId: string): Promise<TraitCatalogue>;
  /** Copies the workspace's profiles to the warehouse, unless this process did so less than `maxAgeMs` ago. */
  snapshot(workspaceId: string, maxAgeMs?: number): Promise<void>;
}

function needWarehouse(deps: SegmentsDeps): Warehouse {
  if (!deps.warehouse) throw segmentErrors.error("segments.warehouse_unavailable", "Segments need the event warehouse, which this process was started without.");
  return deps.warehouse;
}

// ---------------------------------------------------------------------------------------------
// Rules

async function savedRules(db: Db, workspaceId: string) {
  const rows = await db.select({ id: segments.id, name: segments.name, rule: segments.rule }).from(segments).where(eq(segments.workspaceId, workspaceId));
  return new Map(rows.map((r) => [r.id, { name: r.name, rule: r.rule }]));
}

/** Shape (zod) and meaning (catalogue, references, tags) of a rule; every problem named by its path. */
async function checkRule(env: Env, workspaceId: string, rule: unknown, selfId?: string): Promise<SegmentRule> {
  const parsed = SegmentRuleSchema.safeParse(rule);
  if (!parsed.success) {
    throw invalidRule(parsed.error.issues.map((i) => ({ path: i.path.map((p) => (typeof p === "number" ? p : String(p))), message: i.message })));
  }
  const problems = await validateRule(parsed.data, {
    workspaceId,
    traits: await env.catalogue(workspaceId),
    segments: await savedRules(env.deps.db, workspaceId),
    selfId,
    knownTagIds: env.deps.knownTagIds,
  });
  if (problems.length) throw invalidRule(problems);
  return parsed.data;
}

export function invalidRule(problems: RuleProblem[]) {
  const first = problems[0];
  const where = first && first.path.length ? first.path.join(".") : "rule";
  return segmentErrors.error("segments.invalid_rule", first ? `${where}: ${first.message}` : "The rule is invalid.", { problems });
}

async function compileFor(env: Env, workspaceId: string, rule: SegmentRule, now: Date) {
  const [ws] = await env.deps.db.select({ timezone: workspaces.timezone }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return compileRule(rule, {
    workspaceId,
    now,
    timeZone: ws?.timezone ?? "Asia/Shanghai",
    traits: await env.catalogue(workspaceId),
    segments: await savedRules(env.deps.db, workspaceId),
  });
}

async function evaluate(env: Env, workspaceId: string, rule: SegmentRule, now: Date): Promise<string[]> {
  const compiled = await compileFor(env, workspaceId, rule, now);
  const rows = await needWarehouse(env.deps).query<{ profile_id: string }>(compiled.sql, compiled.params);
  return rows.map((r) => r.profile_id);
}

// ---------------------------------------------------------------------------------------------
// CRUD

async function findSegment(db: Db, ctx: WorkspaceContext, segmentId: string): Promise<SegmentRow> {
  const [row] = isUuid(segmentId) ? await db.select().from(segments).where(and(eq(segments.workspaceId, ctx.workspaceId), eq(segments.id, segmentId))) : [];
  if (!row) throw segmentErrors.error("segments.not_found", "No such segment.");
  return row;
}

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

// ---------------------------------------------------------------------------------------------
// Evaluation, membership

async function preview(env: Env, ctx: WorkspaceContext, rule: SegmentRule, sampleSize: number, access: PiiAccess) {
  const started = performance.now();
  const settings = await loadSettings(env.deps.db, ctx.workspaceId);
  await env.snapshot(ctx.workspaceId, Math.max(1, settings.previewFreshnessSeconds * 1000));
  await checkRule(env, ctx.workspaceId, rule);
  const compiled = await compileFor(env, ctx.workspaceId, rule, env.deps.clock.now());
  const warehouse = needWarehouse(env.deps);
  const [count] = await warehouse.query<{ n: bigint }>(`select count(*) as n from (${compiled.sql})`, compiled.params);
  const ids = sampleSize
    ? (await warehouse.query<{ profile_id: string }>(`select profile_id from (${compiled.sql}) order by profile_id desc limit ${Math.floor(sampleSize)}`, compiled.params)).map((r) => r.profile_id)
    : [];
  const sample = await summariesOf(env.deps.db, ctx.workspaceId, ids, access);
  return { count: Number(count?.n ?? 0), sample, tookMs: Math.round(performance.now() - started) };
}

/**
 * Evaluates a segment on the warehouse, then changes its membership in PostgreSQL by
 * difference: entered and exited profiles in chunks, with their segment.entered /
 * segment.exited profile events, the new size and a history row, in one transaction.
 */
async function refreshSegment(env: Env, row: SegmentRow): Promise<RefreshResult> {
  const { db, clock } = env.deps;
  const now = clock.now();
  const matched = new Set(await evaluate(env, row.workspaceId, row.rule, now));
  return db.transaction(async (tx) => {
    // One refresh of a segment at a time: the second waits and diffs against the first's result.
    const [locked] = await tx.select({ id: segments.id, name: segments.name }).from(segments).where(eq(segments.id, row.id)).for("update");
    if (!locked) return { size: 0, entered: 0, exited: 0 };
    const current = new Set(
      (await tx.select({ profileId: segmentMembers.profileId }).from(segmentMembers).where(eq(segmentMembers.segmentId, row.id))).map((r) => r.profileId),
    );
    const entered = [...matched].filter((id) => !current.has(id));
    const exited = [...current].filter((id) => !matched.has(id));
    const chunk = SEGMENT_LIMITS.membershipChunk;
    for (let i = 0; i < entered.length; i += chunk) {
      await tx.execute(sql`
        insert into segment_members (workspace_id, segment_id, profile_id, entered_at)
        select ${row.workspaceId}::uuid, ${row.id}::uuid, x::uuid, ${now.toISOString()}::timestamptz
        from jsonb_array_elements_text(${JSON.stringify(entered.slice(i, i + chunk))}::jsonb) as x`);
    }
    for (let i = 0; i < exited.length; i += chunk) {
      await tx.execute(sql`
        delete from segment_members where segment_id = ${row.id}::uuid
        and profile_id in (select x::uuid from jsonb_array_elements_text(${JSON.stringify(exited.slice(i, i + chunk))}::jsonb) as x)`);
    }
    const payload = { segmentId: row.id, segmentName: locked.name };
    const events: NewProfileEvent[] = [
      ...entered.map((profileId) => ({ workspaceId: row.workspaceId, profileId, kind: "segment.entered" as const, payload })),
      ...exited.map((profileId) => ({ workspaceId: row.workspaceId, profileId, kind: "segment.exited" as const, payload })),
    ];
    await appendProfileEvents(tx, now, events);
    await tx.update(segments).set({ size: matched.size, lastRefreshedAt: now }).where(eq(segments.id, row.id));
    await tx.insert(segmentSizeHistory).values({ workspaceId: row.workspaceId, segmentId: row.id, at: now, size: matched.size, entered: entered.length, exited: exited.length });
    return { size: matched.size, entered: entered.length, exited: exited.length };
  });
}

async function refreshDue(env: Env): Promise<number> {
  const now = env.deps.clock.now();
  const due = await env.deps.db
    .select()
    .from(segments)
    .where(
      or(isNull(segments.lastRefreshedAt), sql`${segments.lastRefreshedAt} + make_interval(mins => ${segments.refreshEveryMinutes}) <= ${now.toISOString()}::timestamptz`),
    )
    .orderBy(asc(segments.lastRefreshedAt));
  let done = 0;
  let firstError: unknown = null;
  const snapshotted = new Set<string>();
  for (const row of due) {
    try {
      // Once per workspace and run: the customers who arrived since the last copy count.
      if (!snapshotted.has(row.workspaceId)) {
        snapshotted.add(row.workspaceId);
        await env.snapshot(row.workspaceId);
      }
      await refreshSegment(env, row);
      done++;
    } catch (error) {
      // One failing segment must not hold up the others; the first failure is reported after.
      firstError ??= error;
    }
  }
  if (firstError) throw firstError;
  return done;
}

async function summariesOf(db: Db, workspaceId: string, ids: string[], access: PiiAccess): Promise<ProfileSummaryDto[]> {
  if (!ids.length) return [];
  const rows = await db.select().from(profiles).where(and(eq(profiles.workspaceId, workspaceId), inArray(profiles.id, ids)));
  const byId = new Map(rows.map((r) => [r.id, r]));
  return ids.flatMap((id) => {
    const r = byId.get(id);
    return r ? [toProfileSummary(r, access)] : [];
  });
}

function toProfileSummary(row: typeof profiles.$inferSelect, access: PiiAccess): ProfileSummaryDto {
  return {
    id: row.id,
    name: access.pii ? row.name : maskName(row.name),
    phone: access.pii ? row.phone : maskPhone(row.phone),
    eventCount: row.eventCount,
    orderCount: row.orderCount,
    totalSpendMinor: row.totalSpendMinor,
    firstSeenAt: row.firstSeenAt?.toISOString() ?? null,
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    lastOrderAt: row.lastOrderAt?.toISOString() ?? null,
  };
}

async function members(db: Db, ctx: WorkspaceContext, segmentId: string, query: { limit: number; cursor?: string }, access: PiiAccess) {
  await findSegment(db, ctx, segmentId);
  const cursor = decodeCursor(query.cursor);
  const rows = await db
    .select({ profile: profiles })
    .from(segmentMembers)
    .innerJoin(profiles, eq(profiles.id, segmentMembers.profileId))
    .where(and(eq(segmentMembers.segmentId, segmentId), cursor ? lt(segmentMembers.profileId, cursor) : undefined))
    .orderBy(desc(segmentMembers.profileId))
    .limit(query.limit + 1);
  const items = rows.slice(0, query.limit).map((r) => toProfileSummary(r.profile, access));
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? last.id : null };
}

async function history(db: Db, ctx: WorkspaceContext, segmentId: string) {
  await findSegment(db, ctx, segmentId);
  const rows = await db.select().from(segmentSizeHistory).where(eq(segmentSizeHistory.segmentId, segmentId)).orderBy(asc(segmentSizeHistory.at));
  return { items: rows.map((r) => ({ at: r.at.toISOString(), size: r.size, entered: r.entered, exited: r.exited })) };
}

export const EXPORT_COLUMNS = ["profile_id", "name", "phone", "email", "city", "order_count", "total_spend", "last_order_at"] as const;

/** The segment's members as CSV lines (a header first), read from PostgreSQL page by page. */
async function* exportCsv(db: Db, ctx: WorkspaceContext, segmentId: string, access: PiiAccess): AsyncGenerator<string> {
  await findSegment(db, ctx, segmentId);
  yield `${EXPORT_COLUMNS.join(",")}\n`;
  let after: string | null = null;
  for (;;) {
    const rows = await db
      .select({ profile: profiles })
      .from(segmentMembers)
      .innerJoin(profiles, eq(profiles.id, segmentMembers.profileId))
      .where(and(eq(segmentMembers.segmentId, segmentId), after ? sql`${segmentMembers.profileId} > ${after}::uuid` : undefined))
      .orderBy(asc(segmentMembers.profileId))
      .limit(2000);
    if (!rows.length) return;
    yield rows
      .map(({ profile: p }) => {
        const email = typeof p.traits.email === "string" ? p.traits.email : null;
        const city = typeof p.traits.city === "string" ? p.traits.city : null;
        return [
          p.id,
          access.pii ? p.name : maskName(p.name),
          access.pii ? p.phone : maskPhone(p.phone),
          access.pii ? email : maskEmail(email),
          city,
          p.orderCount,
          (p.totalSpendMinor / 100).toFixed(2),
          p.lastOrderAt?.toISOString() ?? "",
        ]
          .map(csvCell)
          .join(",");
      })
      .join("\n") + "\n";
    after = rows[rows.length - 1]!.profile.id;
  }
}

/** Quotes a cell when needed, and defuses spreadsheet formulas (=, +, -, @ at the start). */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  let text = String(value);
  // A number or a (masked) phone such as +86139****9000 cannot be a formula and stays as it is.
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text) && !/^[+-]?[\d*. ]+$/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

// ---------------------------------------------------------------------------------------------
// Catalogue, settings

async function catalogueDto(env: Env, ctx: WorkspaceContext): Promise<SegmentCatalogueDto> {
  const warehouse = needWarehouse(env.deps);
  const settings = await loadSettings(env.deps.db, ctx.workspaceId);
  const since = new Date(env.deps.clock.now().getTime() - settings.catalogueLookbackDays * 86_400_000).toISOString();
  const events = await warehouse.query<{ event: string; n: bigint }>(
    `select event, count(*) as n from events where workspace_id = $1::uuid and ts >= $2::timestamptz and event is not null
     group by event order by n desc, event limit ${SEGMENT_LIMITS.catalogueEvents}`,
    [ctx.workspaceId, since],
  );
  const keys = events.length
    ? await warehouse.query<{ event: string; key: string; n: bigint }>(
        `select event, k.key, count(*) as n from events, unnest(json_keys(properties)) as k(key)
         where workspace_id = $1::uuid and ts >= $2::timestamptz and event is not null and properties is not null
         group by event, k.key order by event, n desc, k.key`,
        [ctx.workspaceId, since],
      )
    : [];
  const propertiesOf = new Map<string, string[]>();
  for (const k of keys) {
    const list = propertiesOf.get(k.event) ?? [];
    if (list.length < SEGMENT_LIMITS.cataloguePropertiesPerEvent) list.push(k.key);
    propertiesOf.set(k.event, list);
  }
  const traits = await env.catalogue(ctx.workspaceId);
  return {
    traits: traits.traits.map(toTraitDefinitionDto),
    events: events.map((e) => ({ name: e.event, count: Number(e.n), properties: propertiesOf.get(e.event) ?? [] })),
  };
}

const loadSettings = (db: Db, workspaceId: string): Promise<SegmentSettings> => segmentSettingsStore.load(db, workspaceId);

const updateSettings = (deps: SegmentsDeps, ctx: WorkspaceContext, input: Partial<SegmentSettings>) =>
  segmentSettingsStore.update(deps.db, deps.clock, ctx, input);
