import type { Db, Warehouse } from "@siyu/storage";
import type { Clock } from "../shared/clock";
import { refreshProfileSnapshot } from "./profile-snapshot";

export interface SnapshotRefresherDeps {
  db: Db;
  warehouse: Warehouse;
  clock: Clock;
  /** Replaces refreshProfileSnapshot (tests, a shared refresher); null never refreshes. */
  refresh?: ((workspaceId: string) => Promise<unknown>) | null;
}

/**
 * Brings a workspace's profile snapshot in the warehouse up to date before an analytical query,
 * unless this process refreshed it less than `maxAgeMs` ago (0: always). Answers within the
 * age show customers merged or created since then under their old profile — the price of not
 * copying every profile on every query.
 */
export function snapshotRefresher(deps: SnapshotRefresherDeps): (workspaceId: string, maxAgeMs?: number) => Promise<boolean> {
  const refreshedAt = new Map<string, number>();
  return async (workspaceId, maxAgeMs = 0) => {
    if (deps.refresh === null) return false;
    const now = deps.clock.now().getTime();
    const last = refreshedAt.get(workspaceId);
    if (maxAgeMs > 0 && last !== undefined && now - last < maxAgeMs) return false;
    refreshedAt.set(workspaceId, now);
    if (deps.refresh) await deps.refresh(workspaceId);
    else await refreshProfileSnapshot({ db: deps.db, warehouse: deps.warehouse, workspaceId });
    return true;
  };
}
