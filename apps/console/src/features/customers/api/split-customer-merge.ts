import { useMutation, useQueryClient } from "@tanstack/react-query";
import { SplitResultDto } from "@siyu/contracts";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { customerKeys } from "./customer-keys";

export type { SplitResultDto as SplitResult } from "@siyu/contracts";

export function splitCustomerMerge(workspaceId: string, profileId: string, mergeId: string): Promise<SplitResultDto> {
  return apiRequest(
    `/workspaces/${encodePathSegment(workspaceId)}/customers/${encodePathSegment(profileId)}/merges/${encodePathSegment(mergeId)}/split`,
    SplitResultDto,
    { method: "POST", body: {} },
  );
}

export function useSplitCustomerMerge(workspaceId: string, profileId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (mergeId: string) => splitCustomerMerge(workspaceId, profileId, mergeId),
    // Identifiers, events, orders and numbers move between the two profiles: everything about customers is stale.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: customerKeys.all(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: customerKeys.conflicts(workspaceId) }),
      ]),
  });
}
