// Membership: preview, refresh by difference with entered / exited events, members, history, CSV export.
import { and, asc, desc, eq, inArray, isNull, lt, or, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { ProfileSummaryDto, SegmentRule } from "@siyu/contracts";
import { appendProfileEvents, type NewProfileEvent } from "../profile-events";
import { profiles } from "../profiles";
import type { WorkspaceContext } from "../shared/context";
import { decodeCursor } from "../shared/paging";
import { maskEmail, maskName, maskPhone } from "./pii-mask";
import { segmentMembers, segments, segmentSizeHistory } from "./segments.schema";
import { SEGMENT_LIMITS } from "./segments.settings";
import { loadSettings } from "./segment-catalogue";
import { checkRule, compileFor, evaluate, findSegment } from "./segment-evaluation";
import { needWarehouse, type Env, type PiiAccess, type RefreshResult, type SegmentRow } from "./segments.types";

// ---------------------------------------------------------------------------------------------
// Evaluation, membership

export async function preview(env: Env, ctx: WorkspaceContext, rule: SegmentRule, sampleSize: number, access: PiiAccess) {
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
export async function refreshSegment(env: Env, row: SegmentRow): Promise<RefreshResult> {
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

export async function refreshDue(env: Env): Promise<number> {
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

export async function members(db: Db, ctx: WorkspaceContext, segmentId: string, query: { limit: number; cursor?: string }, access: PiiAccess) {
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

export async function history(db: Db, ctx: WorkspaceContext, segmentId: string) {
  await findSegment(db, ctx, segmentId);
  const rows = await db.select().from(segmentSizeHistory).where(eq(segmentSizeHistory.segmentId, segmentId)).orderBy(asc(segmentSizeHistory.at));
  return { items: rows.map((r) => ({ at: r.at.toISOString(), size: r.size, entered: r.entered, exited: r.exited })) };
}

export const EXPORT_COLUMNS = ["profile_id", "name", "phone", "email", "city", "order_count", "total_spend", "last_order_at"] as const;

/** The segment's members as CSV lines (a header first), read from PostgreSQL page by page. */
export async function* exportCsv(db: Db, ctx: WorkspaceContext, segmentId: string, access: PiiAccess): AsyncGenerator<string> {
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
