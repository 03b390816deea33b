import { InvitationPreviewDto } from "@siyu/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { apiRequest, encodePathSegment } from "../../../lib/api";

export type InvitationPreview = z.infer<typeof InvitationPreviewDto>;

export function getInvitationPreview(token: string, signal?: AbortSignal): Promise<InvitationPreview> {
  return apiRequest(`/invitations/${encodePathSegment(token)}`, InvitationPreviewDto, { signal });
}

export function invitationPreviewQueryOptions(token: string) {
  return queryOptions({
    queryKey: ["invitations", "preview", token] as const,
    queryFn: ({ signal }) => getInvitationPreview(token, signal),
    retry: false,
  });
}

export function useInvitationPreview(token: string) {
  return useQuery(invitationPreviewQueryOptions(token));
}
