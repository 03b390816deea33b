import { AuditPageDto } from "@siyu/contracts";
import { infiniteQueryOptions, useInfiniteQuery } from "@tanstack/react-query";
import type { z } from "zod";
import { apiRequest, encodePathSegment } from "../../../lib/api";

export type AuditPage = z.infer<typeof AuditPageDto>;
export type AuditFilters = { action?: string; targetType?: string; actorId?: string };

const PAGE_SIZE = 50;

export function getAuditLog(
  workspaceId: string,
  params: AuditFilters & { cursor?: string; limit?: number },
  signal?: AbortSignal,
): Promise<AuditPage> {
  return apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/audit-log`, AuditPageDto, {
    query: params,
    signal,
  });
}

export function auditLogQueryOptions(workspaceId: string, filters: AuditFilters) {
  return infiniteQueryOptions({
    queryKey: ["workspaces", workspaceId, "audit-log", filters] as const,
    queryFn: ({ pageParam, signal }) =>
      getAuditLog(workspaceId, { ...filters, limit: PAGE_SIZE, cursor: pageParam }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Every other page writes to the audit log; opening it must show what just happened.
    staleTime: 0,
    refetchOnMount: "always",
  });
}

export function useAuditLog(workspaceId: string, filters: AuditFilters) {
  return useInfiniteQuery(auditLogQueryOptions(workspaceId, filters));
}
