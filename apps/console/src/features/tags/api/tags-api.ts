import {
  type CreateTagBody,
  type CreateTagGroupBody,
  ProfileTagListDto,
  TagAssignResultDto,
  TagDto,
  TagGroupDto,
  TagImportReportDto,
  TagListDto,
  TagRecomputeDto,
  type UpdateTagBody,
  type UpdateTagGroupBody,
} from "@siyu/contracts";
import { queryOptions, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiCommand, apiRequest, encodePathSegment } from "../../../lib/api";

export const tagKeys = {
  all: (workspaceId: string) => ["workspaces", workspaceId, "tags"] as const,
  list: (workspaceId: string) => [...tagKeys.all(workspaceId), "list"] as const,
  ofCustomer: (workspaceId: string, profileId: string) => [...tagKeys.all(workspaceId), "customer", profileId] as const,
};

const ws = (workspaceId: string) => `/workspaces/${encodePathSegment(workspaceId)}`;

export function tagListQueryOptions(workspaceId: string) {
  return queryOptions({
    queryKey: tagKeys.list(workspaceId),
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/tags`, TagListDto, { signal }),
  });
}

/** Every tag group and tag of the workspace with holder counts: also for pickers elsewhere (the segment builder). */
export function useTags(workspaceId: string) {
  return useQuery(tagListQueryOptions(workspaceId));
}

export function useCustomerTags(workspaceId: string, profileId: string) {
  return useQuery({
    queryKey: tagKeys.ofCustomer(workspaceId, profileId),
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/customers/${encodePathSegment(profileId)}/tags`, ProfileTagListDto, { signal }),
  });
}

/** Any change to tags: lists, counts and customers' chips are all stale. */
function useTagMutation<I, O>(workspaceId: string, run: (input: I) => Promise<O>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: run,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: tagKeys.all(workspaceId) }),
  });
}

export function useCreateTag(workspaceId: string) {
  return useTagMutation(workspaceId, (body: CreateTagBody) => apiRequest(`${ws(workspaceId)}/tags`, TagDto, { method: "POST", body }));
}

export function useUpdateTag(workspaceId: string) {
  return useTagMutation(workspaceId, ({ tagId, body }: { tagId: string; body: UpdateTagBody }) =>
    apiRequest(`${ws(workspaceId)}/tags/${encodePathSegment(tagId)}`, TagDto, { method: "PATCH", body }),
  );
}

export function useDeleteTag(workspaceId: string) {
  return useTagMutation(workspaceId, (tagId: string) => apiCommand(`${ws(workspaceId)}/tags/${encodePathSegment(tagId)}`, { method: "DELETE" }));
}

export function useRecomputeTag(workspaceId: string) {
  return useTagMutation(workspaceId, (tagId: string) =>
    apiRequest(`${ws(workspaceId)}/tags/${encodePathSegment(tagId)}/recompute`, TagRecomputeDto, { method: "POST", body: {} }),
  );
}

export function useCreateTagGroup(workspaceId: string) {
  return useTagMutation(workspaceId, (body: CreateTagGroupBody) => apiRequest(`${ws(workspaceId)}/tag-groups`, TagGroupDto, { method: "POST", body }));
}

export function useUpdateTagGroup(workspaceId: string) {
  return useTagMutation(workspaceId, ({ groupId, body }: { groupId: string; body: UpdateTagGroupBody }) =>
    apiRequest(`${ws(workspaceId)}/tag-groups/${encodePathSegment(groupId)}`, TagGroupDto, { method: "PATCH", body }),
  );
}

export function useDeleteTagGroup(workspaceId: string) {
  return useTagMutation(workspaceId, (groupId: string) => apiCommand(`${ws(workspaceId)}/tag-groups/${encodePathSegment(groupId)}`, { method: "DELETE" }));
}

export function useAssignTag(workspaceId: string) {
  return useTagMutation(workspaceId, ({ tagId, profileIds }: { tagId: string; profileIds: string[] }) =>
    apiRequest(`${ws(workspaceId)}/tags/${encodePathSegment(tagId)}/assign`, TagAssignResultDto, { method: "POST", body: { profileIds } }),
  );
}

export function useAddCustomerTag(workspaceId: string, profileId: string) {
  return useTagMutation(workspaceId, (tagId: string) =>
    apiRequest(`${ws(workspaceId)}/customers/${encodePathSegment(profileId)}/tags/${encodePathSegment(tagId)}`, ProfileTagListDto, { method: "PUT", body: {} }),
  );
}

export function useRemoveCustomerTag(workspaceId: string, profileId: string) {
  return useTagMutation(workspaceId, (tagId: string) =>
    apiCommand(`${ws(workspaceId)}/customers/${encodePathSegment(profileId)}/tags/${encodePathSegment(tagId)}`, { method: "DELETE" }),
  );
}

export function useImportTags(workspaceId: string) {
  return useTagMutation(workspaceId, (file: File) =>
    apiRequest(`${ws(workspaceId)}/tags/import`, TagImportReportDto, {
      method: "POST",
      query: { fileName: file.name.slice(0, 200) },
      rawBody: { data: file, contentType: "text/csv" },
    }),
  );
}
