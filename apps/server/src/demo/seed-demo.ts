import { generateDemoBrand, type DemoBrand } from "@siyu/demo";
import type { CreateTaskInput, WorkspaceDto } from "@siyu/contracts";
import { SYSTEM_ACTOR, systemContext, type CoreServices, type WorkspaceContext } from "@siyu/core";
import { seedDemoCatalogue } from "./seed-demo-catalogue";
import { DEMO_LOYALTY_SETTINGS } from "./demo-loyalty";
import { seedDemoMessaging } from "./demo-messaging";

export interface SeedDemoOptions {
  seed?: number;
  memberCount?: number;
}

/**
 * Writes the deterministic demo brand through the domain services, so the demo
 * obeys every rule real data does. Each module adds its own part here.
 */
export async function seedDemoWorkspace(services: CoreServices, options: SeedDemoOptions = {}): Promise<{ workspace: WorkspaceDto; brand: DemoBrand }> {
  const brand = generateDemoBrand({ seed: options.seed, memberCount: options.memberCount });
  return services.transaction(async (tx) => {
    const workspace = await tx.workspaces.create(
      {
        name: brand.workspace.name,
        slug: brand.workspace.slug,
        timezone: brand.workspace.timezone,
        currency: brand.workspace.currency,
        isDemo: true,
      },
      SYSTEM_ACTOR,
    );
    await tx.stores.createMany(
      systemContext(workspace.id),
      brand.stores.map((s) => ({
        code: s.code,
        name: s.name,
        city: s.city,
        address: s.address,
        phone: s.phone,
        status: s.status,
      })),
    );
    await tx.points.putSettings(systemContext(workspace.id), DEMO_LOYALTY_SETTINGS);
    await seedNewMemberTasks(tx, systemContext(workspace.id));
    await seedDemoCatalogue(tx, workspace.id);
    await seedDemoMessaging(tx, systemContext(workspace.id));
    return { workspace, brand };
  });
}

/**
 * The brand plans' 7-day new-member list: complete the profile, first order, join a group, share —
 * each open for 7 days after the member is first seen, each with its own points. Events from before the
 * tasks existed (the demo's history) do not count; new members from today on can complete them.
 */
export const NEW_MEMBER_TASKS: CreateTaskInput[] = (
  [
  { code: "new_profile", nameZh: "完善资料", nameEn: "Complete your profile", steps: [{ kind: "profile_complete", traits: ["name", "phone", "birthday"] }], rewardPoints: 50 },
  { code: "new_first_order", nameZh: "完成首单", nameEn: "First order", steps: [{ kind: "event", event: "Order Completed", count: 1 }], rewardPoints: 100 },
  { code: "new_join_group", nameZh: "加入社群", nameEn: "Join a group", steps: [{ kind: "event", event: "Group Joined", count: 1 }], rewardPoints: 30 },
  { code: "new_share", nameZh: "分享好物", nameEn: "Share a product", steps: [{ kind: "event", event: "Product Shared", count: 1 }], rewardPoints: 20 },
  ] satisfies Omit<CreateTaskInput, "kind">[]
).map((t, i) => ({ ...t, kind: "new_member", windowDays: 7, position: i }));

async function seedNewMemberTasks(services: CoreServices, ctx: WorkspaceContext) {
  for (const task of NEW_MEMBER_TASKS) await services.tasks.create(ctx, task);
}
