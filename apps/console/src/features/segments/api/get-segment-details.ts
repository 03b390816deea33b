import { SegmentCatalogueDto, SegmentHistoryDto, SegmentMembersPageDto, StorePageDto, TagListDto } from "@siyu/contracts";
import { infiniteQueryOptions, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { apiRequest, encodePathSegment } from "../../../lib/api";
import { segmentKeys, segmentPath, segmentsPath } from "./segment-keys";

const MEMBERS_PAGE_SIZE = 20;

export function useSegmentMembers(workspaceId: string, segmentId: string) {
  return useInfiniteQuery(
    infiniteQueryOptions({
      queryKey: segmentKeys.members(workspaceId, segmentId),
      queryFn: ({ pageParam, signal }) =>
        apiRequest(`${segmentPath(workspaceId, segmentId)}/members`, SegmentMembersPageDto, {
          query: { limit: MEMBERS_PAGE_SIZE, cursor: pageParam },
          signal,
        }),
      initialPageParam: undefined as string | undefined,
      getNextPageParam: (last) => last.nextCursor ?? undefined,
      staleTime: 0,
    }),
  );
}

export function useSegmentHistory(workspaceId: string, segmentId: string) {
  return useQuery({
    queryKey: segmentKeys.history(workspaceId, segmentId),
    queryFn: ({ signal }) => apiRequest(`${segmentPath(workspaceId, segmentId)}/history`, SegmentHistoryDto, { signal }),
    staleTime: 0,
  });
}

/** Traits (with types) and events (with property keys) the builder's pickers offer. */
export function useSegmentCatalogue(workspaceId: string) {
  return useQuery({
    queryKey: segmentKeys.catalogue(workspaceId),
    queryFn: ({ signal }) => apiRequest(`${segmentsPath(workspaceId)}/catalogue`, SegmentCatalogueDto, { signal }),
    staleTime: 60_000,
  });
}

/**
 * Stores for the store condition's picker. Reading stores needs its own permission: without it
 * the picker falls back to typing ids, so the query must not fail the page.
 */
export function useStoreChoices(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: segmentKeys.stores(workspaceId),
    queryFn: ({ signal }) =>
      apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/stores`, StorePageDto, { query: { limit: 200 }, signal }),
    enabled,
    staleTime: 60_000,
    retry: false,
  });
}

/** Tags for the tag condition's picker, named "group · tag"; when the role may not read tags, the picker falls back to typing a tag id. */
export function useTagChoices(workspaceId: string) {
  return useQuery({
    queryKey: [...segmentKeys.all(workspaceId), "tag-choices"] as const,
    queryFn: async ({ signal }) => {
      const list = await apiRequest(`/workspaces/${encodePathSegment(workspaceId)}/tags`, TagListDto, { signal });
      const groups = new Map(list.groups.map((g) => [g.id, g.name]));
      return { items: list.tags.map((t) => ({ id: t.id, name: t.groupId && groups.has(t.groupId) ? `${groups.get(t.groupId)} · ${t.name}` : t.name })) };
    },
    staleTime: 60_000,
    retry: false,
  });
}
