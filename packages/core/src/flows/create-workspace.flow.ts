import type { WorkspaceDto } from "@siyu/contracts";
import type { OperatorDto } from "@siyu/contracts";
import type { CreateWorkspaceInput } from "../workspaces";
import type { CoreServices } from "../services";

/** A new workspace always starts with its creator as owner, in one transaction. */
export function createWorkspaceWithOwner(
  services: CoreServices,
  input: CreateWorkspaceInput,
  owner: OperatorDto,
  ip: string | null = null,
): Promise<WorkspaceDto> {
  return services.transaction(async (tx) => {
    const actor = { type: "operator" as const, id: owner.id, name: owner.name };
    const workspace = await tx.workspaces.create(input, actor, ip);
    await tx.access.addMembership(
      { workspaceId: workspace.id, actor, storeIds: null, ip },
      { operatorId: owner.id, email: owner.email, role: "owner", storeIds: [] },
    );
    return workspace;
  });
}
