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
   * Since when this trigger has been live: the publish of the oldest version in the unbroken line
   * of latest versions up to the live one that have this very trigger (a new version with the same
   * trigger does not move it; one that changed the trigger does), or the journey's last resume when
   * later. Sources that read from a log (events, segments, tiers, lifecycle) skip what happened
   * before it: they may read it later, when the journey is live (again).
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
  const found = await rows<{ id: string; workspace_id: string; graph: unknown; resumed_at: string | Date | null; history: { at: string; trigger: unknown }[] }>(
    tx,
    sql`select j.id, j.workspace_id, v.graph, j.resumed_at,
          (select jsonb_agg(jsonb_build_object('at', f.published_at,
                    'trigger', (select n->'trigger' from jsonb_array_elements(f.graph->'nodes') n where n->>'type' = 'trigger' limit 1))
                  order by f.version desc)
             from journey_versions f where f.journey_id = j.id and f.version <= j.live_version) as history
        from journeys j join journey_versions v on v.journey_id = j.id and v.version = j.live_version
        where j.status = 'live' ${ids === null ? sql`` : sql`and j.workspace_id = any(${`{${ids.join(",")}}`}::uuid[])`}
        order by j.workspace_id, j.id`,
  );
  const result: LiveJourneyTrigger[] = [];
  for (const r of found) {
    const parsed = JourneyGraph.safeParse(r.graph);
    const node = parsed.success ? parsed.data.nodes.find((n) => n.type === "trigger") : undefined;
    if (node?.type !== "trigger" || !kinds.includes(node.trigger.kind)) continue;
    const since = triggerLiveSince(r.history);
    const resumed = r.resumed_at === null ? null : new Date(r.resumed_at);
    result.push({ workspaceId: r.workspace_id, journeyId: r.id, trigger: node.trigger, liveSince: resumed && resumed > since ? resumed : since });
  }
  return result;
}

/** `history`: each version's publish and trigger (as stored), newest (the live one) first. */
function triggerLiveSince(history: readonly { at: string; trigger: unknown }[]): Date {
  const live = JSON.stringify(history[0]!.trigger);
  let since = history[0]!.at;
  for (const h of history.slice(1)) {
    if (JSON.stringify(h.trigger) !== live) break;
    since = h.at;
  }
  return new Date(since);
}
