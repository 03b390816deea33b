import { sql } from "@siyu/storage/orm";
import { accessOperators, randomToken, systemContext, workspaces, type CoreServices } from "@siyu/core";
import type { Database } from "@siyu/storage";
import type { DemoBrand } from "@siyu/demo";
import { defineDemoJourneys } from "./demo/demo-journeys";
import { defineDemoSegmentation } from "./demo/demo-segmentation";
import { seedDemoWorkspace } from "./demo/seed-demo";
import { seedDemoBroadcast } from "./demo/demo-messaging";
import { defineDemoAcquisitionCosts } from "./demo/demo-acquisition-costs";
import { createWorkspaceWithOwner } from "@siyu/core";

export interface InitialOwner {
  email: string;
  password: string;
  workspaceId: string;
}

export interface Bootstrapped {
  owner: InitialOwner;
  /** The demo brand, when one was created: its behaviour is still to be loaded. */
  demo: { workspaceId: string; brand: DemoBrand } | null;
}

export const INITIAL_OWNER_EMAIL = "owner@siyu.local";

/**
 * On the first start with an empty store: the demo workspace (or an empty one)
 * and an owner with a random password, which is shown once and never stored in clear.
 */
export async function bootstrapEmptyStore(
  database: Database,
  services: CoreServices,
  options: { demo: boolean; demoMembers?: number },
): Promise<Bootstrapped | null> {
  const [counts] = await database.db
    .select({
      operators: sql<number>`(select count(*)::int from ${accessOperators})`,
      workspaces: sql<number>`(select count(*)::int from ${workspaces})`,
    })
    .from(sql`(select 1) as one`);
  if (!counts || counts.operators > 0 || counts.workspaces > 0) return null;

  const password = randomToken(16);
  const owner = await services.access.createOperator({ email: INITIAL_OWNER_EMAIL, name: "Owner", password });
  let workspaceId: string;
  let demo: Bootstrapped["demo"] = null;
  if (options.demo) {
    const { workspace, brand } = await seedDemoWorkspace(services, { memberCount: options.demoMembers });
    demo = { workspaceId: workspace.id, brand };
    await defineDemoSegmentation(services, workspace.id);
    await seedDemoBroadcast(services, systemContext(workspace.id), workspace.timezone, new Date());
    await defineDemoJourneys(services, workspace.id);
    await defineDemoAcquisitionCosts(services, workspace.id, brand, new Date());
    await services.access.addMembership(
      { workspaceId: workspace.id, actor: { type: "system", id: null, name: "system" }, storeIds: null, ip: null },
      { operatorId: owner.id, email: owner.email, role: "owner", storeIds: [] },
    );
    workspaceId = workspace.id;
  } else {
    const workspace = await createWorkspaceWithOwner(services, { name: "My brand", timezone: "Asia/Shanghai", currency: "CNY" }, owner);
    workspaceId = workspace.id;
  }
  return { owner: { email: owner.email, password, workspaceId }, demo };
}
