import type { MeDto, OperatorDto } from "@siyu/contracts";
import type { CoreServices } from "../services";

/** The logged-in operator with every workspace they belong to, in the order they joined. */
export async function loadMe(services: CoreServices, operator: OperatorDto): Promise<MeDto> {
  const memberships = await services.access.listMembershipsOf(operator.id);
  const workspaces = new Map(
    (await services.workspaces.getMany(memberships.map((m) => m.workspaceId))).map((w) => [w.id, w]),
  );
  return {
    operator,
    memberships: memberships.flatMap((m) => {
      const workspace = workspaces.get(m.workspaceId);
      return workspace ? [{ workspace, role: m.role, storeIds: m.storeIds }] : [];
    }),
  };
}
