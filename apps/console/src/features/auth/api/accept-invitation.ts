import { MeDto, type AcceptInvitationBody } from "@siyu/contracts";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { meQueryKey } from "../../../lib/session";

export function acceptInvitation(token: string, body: AcceptInvitationBody): Promise<MeDto> {
  return apiRequest(`/invitations/${encodePathSegment(token)}/accept`, MeDto, { method: "POST", body });
}

export function useAcceptInvitation(token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: AcceptInvitationBody) => acceptInvitation(token, body),
    onSuccess: (me) => queryClient.setQueryData(meQueryKey, me),
  });
}
