import { RoleListDto } from "@siyu/contracts";
import { queryOptions, useQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { apiRequest } from "../../../lib/api";
import { operatorKeys } from "./operator-keys";

export type RoleList = z.infer<typeof RoleListDto>;

export function getRoles(signal?: AbortSignal): Promise<RoleList> {
  return apiRequest("/roles", RoleListDto, { signal });
}

export const rolesQueryOptions = queryOptions({
  queryKey: operatorKeys.roles(),
  queryFn: ({ signal }) => getRoles(signal),
  staleTime: Infinity,
});

export function useRoles() {
  return useQuery(rolesQueryOptions);
}
