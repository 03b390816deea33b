import type { WorkspaceContext } from "../shared/context";
import type { CoreServices } from "../services";

/** Splits a wrong merge and refreshes both profiles' numbers, in one transaction. */
export function splitProfileMerge(services: CoreServices, ctx: WorkspaceContext, mergeId: string) {
  return services.transaction(async (tx) => {
    const change = await tx.identity.splitMerge(ctx, mergeId);
    await tx.profiles.refresh(ctx.workspaceId, change);
    return change;
  });
}
