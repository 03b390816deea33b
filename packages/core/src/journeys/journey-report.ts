import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { JourneyGraph, type JourneyReportDto, type NodeStatsDto } from "@siyu/contracts";
import { rows } from "../shared/sql-rows";
import type { journeys } from "./journeys.schema";

/**
 * Entered / in progress / exited / goal reached, journey against holdout; per node the customers
 * who passed and who wait there, and the node's messages by status and suppression reason (the
 * outbox's journey_id / node_id columns); coupons the journey issued and how many were redeemed.
 */
export async function journeyReport(db: Db, journey: typeof journeys.$inferSelect): Promise<JourneyReportDto> {
  const id = journey.id;
  const [totals] = await rows<Record<string, number | string | null>>(
    db,
    sql`select
          count(*) filter (where not holdout)::int as entered,
          count(*) filter (where not holdout and status = 'active')::int as in_progress,
          count(*) filter (where not holdout and status = 'exited')::int as exited,
          count(*) filter (where not holdout and goal_reached_at is not null)::int as goal_reached,
          count(*) filter (where holdout)::int as holdout_entered,
          count(*) filter (where holdout and goal_reached_at is not null)::int as holdout_goal,
          coalesce(sum(goal_revenue_minor) filter (where not holdout), 0)::bigint as revenue,
          coalesce(sum(goal_revenue_minor) filter (where holdout), 0)::bigint as holdout_revenue
        from journey_runs where journey_id = ${id}::uuid`,
  );
  const [ws] = await rows<{ currency: string }>(db, sql`select currency from workspaces where id = ${journey.workspaceId}::uuid`);
  const stepCounts = await rows<{ node_id: string; outcome: string; n: number }>(
    db,
    sql`select node_id, outcome, count(*)::int as n from journey_steps where journey_id = ${id}::uuid group by node_id, outcome`,
  );
  const waiting = await rows<{ node_id: string; n: number }>(
    db,
    sql`select current_node_id as node_id, count(*)::int as n from journey_runs where journey_id = ${id}::uuid and status = 'active' and not holdout and current_node_id is not null group by current_node_id`,
  );
  const messageCounts = await rows<{ node_id: string; status: string; reason: string | null; n: number }>(
    db,
    sql`select node_id, status, reason, count(*)::int as n from messages where workspace_id = ${journey.workspaceId}::uuid and journey_id = ${id}::uuid group by node_id, status, reason`,
  );
  const [coupons] = await rows<{ issued: number; redeemed: number }>(
    db,
    sql`select count(*)::int as issued, count(*) filter (where c.status = 'redeemed')::int as redeemed
        from journey_steps s join coupons c on c.workspace_id = s.workspace_id and c.issue_key = s.detail->>'issueKey'
        where s.journey_id = ${id}::uuid and s.outcome = 'issued'`,
  );
  const nodes = new Map<string, NodeStatsDto>();
  const nodeOf = (nodeId: string) => {
    let n = nodes.get(nodeId);
    if (!n) nodes.set(nodeId, (n = { nodeId, entered: 0, inProgress: 0, messages: { sent: 0, delivered: 0, failed: 0, suppressed: {} } }));
    return n;
  };
  const graph = JourneyGraph.safeParse(journey.graph);
  if (graph.success) for (const n of graph.data.nodes) nodeOf(n.id);
  for (const s of stepCounts) {
    const n = nodeOf(s.node_id);
    n.entered += s.n;
    if (s.outcome === "journey_limit") n.messages.suppressed.journey_limit = (n.messages.suppressed.journey_limit ?? 0) + s.n;
  }
  for (const w of waiting) nodeOf(w.node_id).inProgress += w.n;
  for (const m of messageCounts) {
    if (!m.node_id) continue;
    const n = nodeOf(m.node_id);
    if (m.status === "delivered" || m.status === "pending_confirmation" || m.status === "sending") n.messages.sent += m.n;
    if (m.status === "delivered") n.messages.delivered += m.n;
    if (m.status === "failed") n.messages.failed += m.n;
    if (m.status === "suppressed") n.messages.suppressed[m.reason ?? "unknown"] = (n.messages.suppressed[m.reason ?? "unknown"] ?? 0) + m.n;
  }
  const num = (k: string) => Number(totals?.[k] ?? 0);
  return {
    journeyId: id,
    version: journey.liveVersion,
    entered: num("entered"),
    inProgress: num("in_progress"),
    exited: num("exited"),
    goalReached: num("goal_reached"),
    holdout: { entered: num("holdout_entered"), goalReached: num("holdout_goal") },
    coupons: { issued: coupons?.issued ?? 0, redeemed: coupons?.redeemed ?? 0 },
    revenue: { journey: num("revenue"), holdout: num("holdout_revenue"), currency: ws?.currency ?? "CNY" },
    nodes: [...nodes.values()],
  };
}
