import { WorkspaceOperatorListDto } from "@siyu/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { operatorKeys } from "./operator-keys";

export type WorkspaceOperatorList = z.infer<typeof WorkspaceOperatorListDto>;

export function getOperators(workspaceId: string, signal?: AbortSignal): Promise<WorkspaceOperatorList> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/operators`, WorkspaceOperatorListDto, { signal });
}

export function operatorsQueryOptions(workspaceId: string) {
  return queryOptions({
    queryKey: operatorKeys.members(workspaceId),
    queryFn: ({ signal }) => getOperators(workspaceId, signal),
  });
}

export function useOperators(workspaceId: string) {
  return useQuery(operatorsQueryOptions(workspaceId));
}
