import type { WorkspaceContext } from "../shared/context";
import type { CoreServices } from "../services";

/** Splits a wrong merge and refreshes both profiles' numbers, in one transaction. */
export function splitProfileMerge(services: CoreServices, ctx: WorkspaceContext, mergeId: string) {
  return services.transaction(async (tx) => {
    const change = await tx.identity.splitMerge(ctx, mergeId);
    await tx.profiles.refresh(ctx.workspaceId, change);
    // Judging the identifiers again can leave a profile empty, absorbed by another: its runs follow.
    await tx.journeys.followMerges(ctx.workspaceId, change.absorbed.map(([from]) => from));
    return change;
  });
}
