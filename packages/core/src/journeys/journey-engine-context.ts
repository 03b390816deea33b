// What every engine call shares: the effects, the published versions (read once per batch: they
// never change) and the run row the engine moves.
import { and, eq } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { JourneyGraph, JourneySettings, type JourneyNode } from "@siyu/contracts";
import { workspaceTimeZone } from "../workspaces";
import type { JourneyEffects } from "./journey-effects";
import { type journeyRuns, journeys, journeyVersions } from "./journeys.schema";

export type JourneyRunRow = typeof journeyRuns.$inferSelect;

export interface LoadedVersion {
  journeyId: string;
  workspaceId: string;
  name: string;
  version: number;
  graph: JourneyGraph;
  settings: JourneySettings;
  byId: Map<string, JourneyNode>;
  triggerId: string;
}

/** Published versions read once per batch (they never change). */
export class VersionCache {
  private versions = new Map<string, LoadedVersion | null>();
  private zones = new Map<string, string>();
  async get(tx: Db, journeyId: string, version: number): Promise<LoadedVersion | null> {
    const key = `${journeyId}:${version}`;
    if (!this.versions.has(key)) {
      const [row] = await tx
        .select({ graph: journeyVersions.graph, settings: journeyVersions.settings, workspaceId: journeyVersions.workspaceId, name: journeys.name })
        .from(journeyVersions)
        .innerJoin(journeys, eq(journeys.id, journeyVersions.journeyId))
        .where(and(eq(journeyVersions.journeyId, journeyId), eq(journeyVersions.version, version)));
      this.versions.set(key, row ? loadVersion(journeyId, version, row) : null);
    }
    return this.versions.get(key)!;
  }
  async timeZone(tx: Db, workspaceId: string): Promise<string> {
    let tz = this.zones.get(workspaceId);
    if (!tz) this.zones.set(workspaceId, (tz = await workspaceTimeZone(tx, workspaceId)));
    return tz;
  }
}

export function loadVersion(journeyId: string, version: number, row: { graph: unknown; settings: unknown; workspaceId: string; name: string }): LoadedVersion {
  const graph = JourneyGraph.parse(row.graph);
  const trigger = graph.nodes.find((n) => n.type === "trigger");
  return {
    journeyId,
    workspaceId: row.workspaceId,
    name: row.name,
    version,
    graph,
    settings: JourneySettings.parse(row.settings),
    byId: new Map(graph.nodes.map((n) => [n.id, n])),
    triggerId: trigger?.id ?? "",
  };
}

export interface EngineContext {
  effects: JourneyEffects;
  cache: VersionCache;
}
