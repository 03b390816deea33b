import { CheckInCalendarDto, CheckInResultDto, MakeUpCardsDto, type CheckInBody, type GrantMakeUpCardsBody } from "@siyu/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { loyaltyKeys } from "./loyalty-keys";

const path = (workspaceId: string, profileId: string) => `/workspaces/${encodePathSegment(workspaceId)}/customers/${encodePathSegment(profileId)}`;

export function useCheckInCalendar(workspaceId: string, profileId: string, month: string | undefined) {
  return useQuery({
    queryKey: [...loyaltyKeys.customer(workspaceId, profileId), "check-ins", month ?? "current"],
    queryFn: ({ signal }) => apiRequest(`${path(workspaceId, profileId)}/check-ins`, CheckInCalendarDto, { signal, query: month ? { month } : {} }),
  });
}

/** Checks in today, or with `day` fills that missed day with a make-up card. */
export function useCheckIn(workspaceId: string, profileId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CheckInBody) => apiRequest(`${path(workspaceId, profileId)}/check-ins`, CheckInResultDto, { method: "POST", body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.customer(workspaceId, profileId) }),
  });
}

export function useGrantMakeUpCards(workspaceId: string, profileId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: GrantMakeUpCardsBody) => apiRequest(`${path(workspaceId, profileId)}/makeup-cards`, MakeUpCardsDto, { method: "POST", body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.customer(workspaceId, profileId) }),
  });
}
