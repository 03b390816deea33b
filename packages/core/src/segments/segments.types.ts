// What the segments use cases share: their dependencies, row type and environment.
import type { Db, Warehouse } from "@siyu/storage";
import type { Clock } from "../shared/clock";
import { segmentErrors } from "./segments.errors";
import { type segments } from "./segments.schema";
import { type TraitCatalogue } from "./trait-catalogue";

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

export type SegmentRow = typeof segments.$inferSelect;
export interface Env {
  deps: SegmentsDeps;
  catalogue(workspaceId: string): Promise<TraitCatalogue>;
  /** Copies the workspace's profiles to the warehouse, unless this process did so less than `maxAgeMs` ago. */
  snapshot(workspaceId: string, maxAgeMs?: number): Promise<void>;
}

export function needWarehouse(deps: SegmentsDeps): Warehouse {
  if (!deps.warehouse) throw segmentErrors.error("segments.warehouse_unavailable", "Segments need the event warehouse, which this process was started without.");
  return deps.warehouse;
}
