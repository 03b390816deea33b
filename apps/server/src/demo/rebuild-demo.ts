import { deleteWorkspaceRows } from "@siyu/storage";
import { DEMO_WORKSPACE } from "@siyu/demo";
import type { CoreServices } from "@siyu/core";
import { SYSTEM_ACTOR } from "@siyu/core";
import { seedDemoWorkspace, type SeedDemoOptions } from "./seed-demo";

/**
 * Drops the demo workspace and builds it again from the seed. The operators who
 * were members keep their roles in the new one.
 */
export async function rebuildDemoWorkspace(services: CoreServices, options: SeedDemoOptions = {}) {
  const old = await services.workspaces.findBySlug(DEMO_WORKSPACE.slug);
  const members = old
    ? await services.access.listMembers({ workspaceId: old.id, actor: SYSTEM_ACTOR, storeIds: null, ip: null })
    : [];
  return services.transaction(async (tx, db) => {
    if (old) await deleteWorkspaceRows(db, old.id);
    const { workspace } = await seedDemoWorkspace(tx, options);
    const ctx = { workspaceId: workspace.id, actor: SYSTEM_ACTOR, storeIds: null, ip: null };
    for (const m of members) {
      // Store assignments pointed at the old stores; managers are re-assigned by the owner.
      await tx.access.addMembership(ctx, { operatorId: m.operatorId, email: m.email, role: m.role, storeIds: [] });
    }
    return { workspace, restoredMembers: members.length };
  });
}
