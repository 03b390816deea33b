import { InvitationListDto } from "@siyu/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { operatorKeys } from "./operator-keys";

export type InvitationList = z.infer<typeof InvitationListDto>;

export function getInvitations(workspaceId: string, signal?: AbortSignal): Promise<InvitationList> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/invitations`, InvitationListDto, { signal });
}

export function invitationsQueryOptions(workspaceId: string) {
  return queryOptions({
    queryKey: operatorKeys.invitations(workspaceId),
    queryFn: ({ signal }) => getInvitations(workspaceId, signal),
  });
}

export function useInvitations(workspaceId: string) {
  return useQuery(invitationsQueryOptions(workspaceId));
}
