import { CreatedInvitationDto, type CreateInvitationBody } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { z } from "zod";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { operatorKeys } from "./operator-keys";

export type CreatedInvitation = z.infer<typeof CreatedInvitationDto>;
export type CreateInvitationInput = z.input<typeof CreateInvitationBody>;

export function createInvitation(workspaceId: string, body: CreateInvitationInput): Promise<CreatedInvitation> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/invitations`, CreatedInvitationDto, {
    method: "POST",
    body,
  });
}

export function useCreateInvitation(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateInvitationInput) => createInvitation(workspaceId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: operatorKeys.invitations(workspaceId) }),
  });
}
