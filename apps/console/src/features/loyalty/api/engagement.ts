import {
  BadgeDto,
  BadgeEvaluationDto,
  BadgeListDto,
  MemberBadgeListDto,
  MemberTaskListDto,
  TaskDto,
  TaskListDto,
  type CreateBadgeInput,
  type CreateTaskInput,
} from "@siyu/contracts";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiCommand, apiRequest, encodePathSegment } from "../../../lib/api";
import { loyaltyKeys } from "./loyalty-keys";

// Member tasks and badges / honour titles: definitions and a customer's progress and holdings.

const tasksPath = (workspaceId: string) => `/workspaces/${encodePathSegment(workspaceId)}/loyalty/tasks`;
const badgesPath = (workspaceId: string) => `/workspaces/${encodePathSegment(workspaceId)}/loyalty/badges`;
const tasksKey = (workspaceId: string) => [...loyaltyKeys.all(workspaceId), "tasks"] as const;
const badgesKey = (workspaceId: string) => [...loyaltyKeys.all(workspaceId), "badges"] as const;

export function useTasks(workspaceId: string) {
  return useQuery({ queryKey: tasksKey(workspaceId), queryFn: ({ signal }) => apiRequest(tasksPath(workspaceId), TaskListDto, { signal }) });
}

export function useSaveTask(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { taskId?: string; body: CreateTaskInput }) =>
      input.taskId
        ? apiRequest(`${tasksPath(workspaceId)}/${encodePathSegment(input.taskId)}`, TaskDto, { method: "PUT", body: input.body })
        : apiRequest(tasksPath(workspaceId), TaskDto, { method: "POST", body: input.body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.all(workspaceId) }),
  });
}

export function useArchiveTask(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (taskId: string) => apiCommand(`${tasksPath(workspaceId)}/${encodePathSegment(taskId)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.all(workspaceId) }),
  });
}

export function useBadges(workspaceId: string) {
  return useQuery({ queryKey: badgesKey(workspaceId), queryFn: ({ signal }) => apiRequest(badgesPath(workspaceId), BadgeListDto, { signal }) });
}

export function useSaveBadge(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { badgeId?: string; body: CreateBadgeInput }) =>
      input.badgeId
        ? apiRequest(`${badgesPath(workspaceId)}/${encodePathSegment(input.badgeId)}`, BadgeDto, { method: "PUT", body: input.body })
        : apiRequest(badgesPath(workspaceId), BadgeDto, { method: "POST", body: input.body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.all(workspaceId) }),
  });
}

export function useArchiveBadge(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (badgeId: string) => apiCommand(`${badgesPath(workspaceId)}/${encodePathSegment(badgeId)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.all(workspaceId) }),
  });
}

export function useEvaluateBadge(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (badgeId: string) => apiRequest(`${badgesPath(workspaceId)}/${encodePathSegment(badgeId)}/evaluation`, BadgeEvaluationDto, { method: "POST", body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: loyaltyKeys.all(workspaceId) }),
  });
}

const customerPath = (workspaceId: string, profileId: string) => `/workspaces/${encodePathSegment(workspaceId)}/customers/${encodePathSegment(profileId)}`;

export function useCustomerTasks(workspaceId: string, profileId: string) {
  return useQuery({
    queryKey: [...loyaltyKeys.customer(workspaceId, profileId), "tasks"],
    queryFn: ({ signal }) => apiRequest(`${customerPath(workspaceId, profileId)}/tasks`, MemberTaskListDto, { signal }),
  });
}

export function useCustomerBadges(workspaceId: string, profileId: string) {
  return useQuery({
    queryKey: [...loyaltyKeys.customer(workspaceId, profileId), "badges"],
    queryFn: ({ signal }) => apiRequest(`${customerPath(workspaceId, profileId)}/badges`, MemberBadgeListDto, { signal }),
  });
}
