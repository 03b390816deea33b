import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { JourneyGraph, type JourneyTrigger } from "@siyu/contracts";
import { rows } from "../shared/sql-rows";

export interface LiveJourneyTrigger {
  workspaceId: string;
  journeyId: string;
  /** The trigger node of the journey's live version. */
  trigger: JourneyTrigger;
  /**
   * When the journey first went live. Sources that read changes from a log (segments, tiers,
   * lifecycle) skip changes from before it: they may read them later, when the journey is live.
   */
  liveSince?: Date;
}

/**
 * The live journeys whose live version's trigger is one of `kinds`, in a workspace, in several, or
 * in every workspace when null: what the trigger sources (events, segments, tiers, lifecycle, date
 * traits, schedules) enter customers into, through startRuns.
 */
export async function liveJourneys(tx: Db, workspaces: string | readonly string[] | null, kinds: readonly JourneyTrigger["kind"][]): Promise<LiveJourneyTrigger[]> {
  const ids = workspaces === null ? null : typeof workspaces === "string" ? [workspaces] : workspaces;
  const found = await rows<{ id: string; workspace_id: string; graph: unknown; live_since: string | Date }>(
    tx,
    sql`select j.id, j.workspace_id, v.graph,
          (select min(f.published_at) from journey_versions f where f.journey_id = j.id) as live_since
        from journeys j join journey_versions v on v.journey_id = j.id and v.version = j.live_version
        where j.status = 'live' ${ids === null ? sql`` : sql`and j.workspace_id = any(${`{${ids.join(",")}}`}::uuid[])`}
        order by j.workspace_id, j.id`,
  );
  const result: LiveJourneyTrigger[] = [];
  for (const r of found) {
    const parsed = JourneyGraph.safeParse(r.graph);
    const node = parsed.success ? parsed.data.nodes.find((n) => n.type === "trigger") : undefined;
    if (node?.type === "trigger" && kinds.includes(node.trigger.kind)) result.push({ workspaceId: r.workspace_id, journeyId: r.id, trigger: node.trigger, liveSince: new Date(r.live_since) });
  }
  return result;
}
