import type { Db, Warehouse } from "@siyu/storage";
import type { QuantileTagDefinition } from "@siyu/contracts";
import { liveTagPairs, tagsHeldBy } from "./tags.repository";

export interface SyncTagsInput {
  db: Db;
  warehouse: Warehouse;
  /** One workspace; all of them when absent. */
  workspaceId?: string;
}

/**
 * Replaces the warehouse's `profile_tags` (one workspace's rows, or all) with PostgreSQL's,
 * at live profile ids, in one DuckDB transaction: segments see the old set or the new one.
 */
export async function syncTagsToWarehouse({ db, warehouse, workspaceId }: SyncTagsInput): Promise<number> {
  const pairs = await liveTagPairs(db, workspaceId ?? null);
  return warehouse.transaction(async (tx) => {
    if (workspaceId) await tx.run("delete from profile_tags where workspace_id = $1::uuid", [workspaceId]);
    else await tx.run("delete from profile_tags");
    if (pairs.length === 0) return 0;
    return tx.append(
      "profile_tags",
      pairs.map((p) => [p.workspace_id, p.live_id, p.tag_id]),
    );
  });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Replaces the warehouse rows of a few live customers (after a change that touched only them):
 * their tags as PostgreSQL holds them now, through any id merged into them.
 */
export async function syncProfileTagsToWarehouse(input: { db: Db; warehouse: Warehouse; workspaceId: string; liveIds: readonly string[] }): Promise<number> {
  const ids = input.liveIds.filter((id) => UUID.test(id));
  if (ids.length === 0) return 0;
  const held = await tagsHeldBy(input.db, input.workspaceId, ids);
  return input.warehouse.transaction(async (tx) => {
    // The ids are checked UUIDs: written into the statement as a list, no parameter per id.
    await tx.run(`delete from profile_tags where workspace_id = $1::uuid and profile_id in (${ids.map((id) => `'${id}'::uuid`).join(",")})`, [input.workspaceId]);
    if (held.length === 0) return 0;
    return tx.append(
      "profile_tags",
      held.map((h) => [input.workspaceId, h.live_id, h.tag_id]),
    );
  });
}

/** The order event whose revenue is spend (ORDER_COMPLETED in the profiles module). */
const ORDER_EVENT = "Order Completed";

/**
 * Each live customer's metric > 0, from the warehouse: the profile snapshot's totals when
 * there is no window, else the events of the window (revenue of orders, orders, events).
 */
function metricQuery(definition: QuantileTagDefinition, workspaceId: string, now: Date): { sql: string; params: (string | number)[] } {
  const { metric, windowDays, event } = definition;
  if (windowDays === undefined && metric !== "event_count") {
    const column = metric === "total_spend" ? "total_spend_minor" : "order_count";
    return {
      sql: `select id as profile_id, ${column}::double as metric from profiles where workspace_id = $1::uuid and merged_into is null and ${column} > 0`,
      params: [workspaceId],
    };
  }
  const params: (string | number)[] = [workspaceId];
  const filters = ["e.workspace_id = $1::uuid", "e.profile_id is not null", "p.merged_into is null"];
  if (windowDays !== undefined) {
    params.push(new Date(now.getTime() - windowDays * 86_400_000).toISOString());
    filters.push(`e.ts >= $${params.length}::timestamptz`);
  }
  let measure = "count(*)::double";
  if (metric === "total_spend" || metric === "order_count") {
    params.push(ORDER_EVENT);
    filters.push(`e.type = 'track' and e.event = $${params.length}`);
    if (metric === "total_spend") measure = "coalesce(sum(e.revenue), 0)::double";
  } else if (event) {
    params.push(event);
    filters.push(`e.event = $${params.length}`);
  }
  return {
    sql: `select e.profile_id, ${measure} as metric from events_with_profile e
          join profiles p on p.workspace_id = e.workspace_id and p.id = e.profile_id
          where ${filters.join(" and ")} group by e.profile_id having ${measure} > 0`,
    params,
  };
}

/**
 * Splits the workspace's live customers with a metric above 0 into the scheme's levels, top
 * first. Ranked by the metric (ties share the better rank: equal spenders land in the same
 * level), a customer of rank r among n belongs to the first level whose cumulative share c
 * (in percent) has (r − 1) · 100 < n · c; a last level without topPercent takes the rest.
 * Returns the live profile ids of each level, in the definition's order.
 */
export async function computeQuantileLevels(warehouse: Warehouse, workspaceId: string, definition: QuantileTagDefinition, now: Date): Promise<string[][]> {
  const metric = metricQuery(definition, workspaceId, now);
  const cases: string[] = [];
  let cumulative = 0;
  definition.levels.forEach((level, i) => {
    if (level.topPercent === undefined) cases.push(`when true then ${i}`);
    else {
      cumulative += level.topPercent;
      cases.push(`when (rk - 1) * 100.0 < n * ${Number(cumulative)} then ${i}`);
    }
  });
  const found = await warehouse.query<{ profile_id: string; level: number | null }>(
    `with m as (${metric.sql}),
          r as (select profile_id, rank() over (order by metric desc) as rk, count(*) over () as n from m)
     select profile_id::varchar as profile_id, case ${cases.join(" ")} else null end as level from r`,
    metric.params,
  );
  const levels: string[][] = definition.levels.map(() => []);
  for (const row of found) if (row.level !== null) levels[Number(row.level)]!.push(row.profile_id);
  return levels;
}
