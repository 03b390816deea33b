import { deleteWorkspaceRows } from "@siyu/storage";
import { DEMO_WORKSPACE } from "@siyu/demo";
import { SYSTEM_ACTOR, type CoreServices, type WorkspaceContext } from "@siyu/core";
import { seedDemoWorkspace, type SeedDemoOptions } from "./seed-demo";

/**
 * Drops the demo workspace and builds it again from the seed. The operators who
 * were members keep their roles, and store managers keep their stores (matched by code).
 */
export async function rebuildDemoWorkspace(services: CoreServices, options: SeedDemoOptions = {}) {
  const old = await services.workspaces.findBySlug(DEMO_WORKSPACE.slug);
  const oldCtx = old ? systemCtx(old.id) : null;
  const members = oldCtx ? await services.access.listMembers(oldCtx) : [];
  const oldStoreCodes = new Map(oldCtx ? (await listAllStores(services, oldCtx)).map((s) => [s.id, s.code]) : []);
  // The old workspace's events leave the log: consumers must not take them from memory (before and after the commit).
  services.forgetEventReads();
  return services.transaction(async (tx, db) => {
    if (old) await deleteWorkspaceRows(db, old.id);
    const { workspace, brand } = await seedDemoWorkspace(tx, options);
    const ctx = systemCtx(workspace.id);
    const newStoreIds = new Map((await listAllStores(tx, ctx)).map((s) => [s.code, s.id]));
    for (const m of members) {
      const storeIds = m.storeIds.flatMap((id) => {
        const next = newStoreIds.get(oldStoreCodes.get(id) ?? "");
        return next ? [next] : [];
      });
      await tx.access.addMembership(ctx, { operatorId: m.operatorId, email: m.email, role: m.role, storeIds });
    }
    return { workspace, brand, restoredMembers: members.length };
  }).finally(() => services.forgetEventReads());
}

function systemCtx(workspaceId: string): WorkspaceContext {
  return { workspaceId, actor: SYSTEM_ACTOR, storeIds: null, ip: null };
}

async function listAllStores(services: CoreServices, ctx: WorkspaceContext) {
  const all = [];
  let cursor: string | undefined;
  do {
    const page = await services.stores.list(ctx, { limit: 200, cursor });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all;
}
