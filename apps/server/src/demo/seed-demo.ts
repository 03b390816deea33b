import { generateDemoBrand, type DemoBrand } from "@siyu/demo";
import type { WorkspaceDto } from "@siyu/contracts";
import { SYSTEM_ACTOR, systemContext, type CoreServices } from "@siyu/core";
import { DEMO_LOYALTY_SETTINGS } from "./demo-loyalty";

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
    return { workspace, brand };
  });
}
