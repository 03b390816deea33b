import { MeDto } from "@siyu/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import { apiRequest } from "../api";

export const meQueryKey = ["me"] as const;

export function getMe(signal?: AbortSignal): Promise<MeDto> {
  return apiRequest("/me", MeDto, { signal });
}

export const meQueryOptions = queryOptions({
  queryKey: meQueryKey,
  queryFn: ({ signal }) => getMe(signal),
  staleTime: 60_000,
  retry: false,
});

export function useMe() {
  return useQuery(meQueryOptions);
}
