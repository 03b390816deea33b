import { and, desc, eq, gt, inArray, isNull, lt, or, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { OrderDto, ProfileDto, ProfileListQuery, ProfileSummaryDto, TimelineDto } from "@siyu/contracts";
import { identityIdentifiers, normaliseIdentifier, type IdentitySettings } from "../identity";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { decodeCursor, pageResult } from "../shared/paging";
import { profileErrors } from "./profiles.errors";
import * as repo from "./profiles.repository";
import { orders, profileEventCounts, profiles } from "./profiles.schema";

interface Deps {
  db: Db;
  clock: Clock;
}

export function createProfilesService(deps: Deps) {
  return {
    list: (ctx: WorkspaceContext, query: ProfileListQuery, settings: IdentitySettings) => listProfiles(deps.db, ctx, query, settings),
    get: (ctx: WorkspaceContext, profileId: string) => getProfile(deps.db, ctx, profileId),
    resolveId: (ctx: WorkspaceContext, profileId: string) => resolveProfileId(deps.db, ctx, profileId),
    timeline: (ctx: WorkspaceContext, profileId: string, query: { limit: number; before?: number }) => timeline(deps.db, ctx, profileId, query),
    orders: (ctx: WorkspaceContext, profileId: string, limit = 20) => ordersOf(deps.db, ctx, profileId, limit),
    /** Whether the workspace has this order, projected or still waiting in the event log. */
    orderExists: (ctx: WorkspaceContext, orderId: string) => orderExists(deps.db, ctx, orderId),
    /** After identity changed outside the projector (a split): sync rows and refresh their numbers. */
    refresh: async (workspaceId: string, change: { liveProfiles: string[]; absorbed: [string, string][]; affectedProfiles: string[] }) => {
      const now = deps.clock.now();
      await repo.writeProfiles(deps.db, workspaceId, { recompute: [...change.affectedProfiles, ...change.liveProfiles], live: change.liveProfiles, absorbed: change.absorbed }, now);
    },
  };
}
export type ProfilesService = ReturnType<typeof createProfilesService>;

async function listProfiles(db: Db, ctx: WorkspaceContext, query: ProfileListQuery, settings: IdentitySettings) {
  const cursor = decodeCursor(query.cursor);
  const filters = [
    eq(profiles.workspaceId, ctx.workspaceId),
    isNull(profiles.mergedInto),
    cursor ? lt(profiles.id, cursor) : undefined,
    query.hasOrders === true ? gt(profiles.orderCount, 0) : query.hasOrders === false ? eq(profiles.orderCount, 0) : undefined,
    query.seenAfter ? gt(profiles.lastSeenAt, new Date(query.seenAfter)) : undefined,
  ];
  if (query.q) filters.push(await searchCondition(db, ctx, query.q, settings));
  const rows = await db
    .select()
    .from(profiles)
    .where(and(...filters))
    .orderBy(desc(profiles.id))
    .limit(query.limit + 1);
  return pageResult(rows.map(toSummary), query.limit);
}

/** A search term matches a phone (however written), any identifier value exactly, or part of a name. */
async function searchCondition(db: Db, ctx: WorkspaceContext, q: string, settings: IdentitySettings) {
  const values = new Set([q]);
  const phone = normaliseIdentifier("phone", q, settings);
  if ("value" in phone) values.add(phone.value);
  const email = normaliseIdentifier("email", q, settings);
  if ("value" in email) values.add(email.value);
  const owners = await db
    .selectDistinct({ profileId: identityIdentifiers.profileId })
    .from(identityIdentifiers)
    .where(and(eq(identityIdentifiers.workspaceId, ctx.workspaceId), inArray(identityIdentifiers.value, [...values])))
    .limit(200);
  const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const byName = sql`${profiles.name} ilike ${pattern}`;
  return owners.length ? or(byName, inArray(profiles.id, owners.map((o) => o.profileId)))! : byName;
}

/** A merged profile's old id leads to the profile that absorbed it (repo.resolveLiveProfiles: one statement). */
async function resolveProfileId(db: Db, ctx: WorkspaceContext, profileId: string): Promise<string> {
  const live = (await repo.resolveLiveProfiles(db, ctx.workspaceId, [profileId])).get(profileId);
  if (!live) throw profileErrors.error("profiles.not_found", "No such customer.");
  return live;
}

async function getProfile(db: Db, ctx: WorkspaceContext, profileId: string): Promise<Omit<ProfileDto, "identifiers" | "merges">> {
  const id = await resolveProfileId(db, ctx, profileId);
  const [row] = await db.select().from(profiles).where(and(eq(profiles.workspaceId, ctx.workspaceId), eq(profiles.id, id)));
  if (!row) throw profileErrors.error("profiles.not_found", "No such customer.");
  const counts = await db
    .select({ event: profileEventCounts.event, count: sql<number>`sum(${profileEventCounts.count})::int`, lastAt: sql<string>`max(${profileEventCounts.lastAt})` })
    .from(profileEventCounts)
    .innerJoin(identityIdentifiers, eq(identityIdentifiers.id, profileEventCounts.identifierId))
    .where(and(eq(identityIdentifiers.workspaceId, ctx.workspaceId), eq(identityIdentifiers.profileId, id)))
    .groupBy(profileEventCounts.event)
    .orderBy(desc(sql`sum(${profileEventCounts.count})`));
  return {
    ...toSummary(row),
    workspaceId: row.workspaceId,
    traits: row.traits,
    averageOrderMinor: row.orderCount > 0 ? Math.round(row.totalSpendMinor / row.orderCount) : null,
    eventCounts: counts.map((c) => ({ event: c.event, count: c.count, lastAt: new Date(c.lastAt).toISOString() })),
    recentOrders: await ordersOf(db, ctx, id, 10),
    createdAt: row.createdAt.toISOString(),
  };
}

async function ordersOf(db: Db, ctx: WorkspaceContext, profileId: string, limit: number): Promise<OrderDto[]> {
  const rows = await db
    .select({ order: orders })
    .from(orders)
    .innerJoin(identityIdentifiers, eq(identityIdentifiers.id, orders.identifierId))
    .where(and(eq(orders.workspaceId, ctx.workspaceId), eq(identityIdentifiers.profileId, profileId)))
    .orderBy(desc(orders.orderedAt))
    .limit(limit);
  return rows.map(({ order }) => ({
    orderId: order.orderId,
    status: order.status as OrderDto["status"],
    totalMinor: order.totalMinor,
    refundedMinor: order.refundedMinor,
    currency: order.currency,
    storeId: order.storeId,
    coupon: order.coupon,
    orderedAt: order.orderedAt.toISOString(),
  }));
}

/** A profile's events, newest first: the events of all its identifiers, so merges and splits need no rewrite. */
async function timeline(db: Db, ctx: WorkspaceContext, profileId: string, query: { limit: number; before?: number }): Promise<TimelineDto> {
  const id = await resolveProfileId(db, ctx, profileId);
  const result = (await db.execute(sql`
    select e.seq, e.message_id, e.type, e.event, e.ts, e.payload
    from identity_identifiers i
      join profile_event_anchors a on a.identifier_id = i.id
      join events_log e on e.seq = a.seq
    where i.workspace_id = ${ctx.workspaceId} and i.profile_id = ${id}
      ${query.before ? sql`and a.seq < ${query.before}` : sql``}
    order by a.seq desc limit ${query.limit + 1}`)) as unknown as {
    rows: { seq: string | number; message_id: string; type: string; event: string | null; ts: string | Date; payload: Record<string, unknown> | string }[];
  };
  const items = result.rows.slice(0, query.limit).map((r) => {
    const payload = typeof r.payload === "string" ? (JSON.parse(r.payload) as Record<string, unknown>) : r.payload;
    const properties = (payload.properties ?? payload.traits ?? {}) as Record<string, unknown>;
    return { seq: Number(r.seq), messageId: r.message_id, type: r.type, event: r.event, ts: new Date(r.ts).toISOString(), properties };
  });
  const last = items[items.length - 1];
  return { items, nextBefore: result.rows.length > query.limit && last ? last.seq : null };
}

async function orderExists(db: Db, ctx: WorkspaceContext, orderId: string): Promise<boolean> {
  const result = (await db.execute(sql`
    select exists (select 1 from orders where workspace_id = ${ctx.workspaceId} and order_id = ${orderId})
        or exists (select 1 from events_log where workspace_id = ${ctx.workspaceId} and message_id = ${`order:${orderId}`}) as found`)) as unknown as {
    rows: { found: boolean }[];
  };
  return result.rows[0]?.found === true;
}

function toSummary(row: typeof profiles.$inferSelect): ProfileSummaryDto {
  return {
    id: row.id,
    name: row.name,
    phone: row.phone,
    eventCount: row.eventCount,
    orderCount: row.orderCount,
    totalSpendMinor: row.totalSpendMinor,
    firstSeenAt: row.firstSeenAt?.toISOString() ?? null,
    lastSeenAt: row.lastSeenAt?.toISOString() ?? null,
    lastOrderAt: row.lastOrderAt?.toISOString() ?? null,
  };
}

