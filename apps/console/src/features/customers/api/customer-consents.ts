import { ConsentListDto, type SetConsentsBody } from "@siyu/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { customerKeys } from "./customer-keys";

function consentsPath(workspaceId: string, profileId: string): string {
  return `/workspaces/${encodePathSegment(workspaceId)}/customers/${encodePathSegment(profileId)}/consents`;
}

export function useCustomerConsents(workspaceId: string, profileId: string) {
  return useQuery({
    queryKey: customerKeys.consents(workspaceId, profileId),
    queryFn: ({ signal }) => apiRequest(consentsPath(workspaceId, profileId), ConsentListDto, { signal }),
  });
}

export function useSetCustomerConsents(workspaceId: string, profileId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SetConsentsBody) => apiRequest(consentsPath(workspaceId, profileId), ConsentListDto, { method: "PUT", body }),
    onSuccess: (data) => queryClient.setQueryData(customerKeys.consents(workspaceId, profileId), data),
  });
}
