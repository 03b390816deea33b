import {
  BroadcastDto,
  MessageDto,
  MessagePageDto,
  MessagingCallbacksDto,
  MessagingSettings,
  ProfilePageDto,
  SegmentListDto,
  SuppressionEntryDto,
  TemplateDto,
  TemplateListDto,
  TemplatePreviewDto,
  type BroadcastBody,
  type MessageListQuery,
  type SendMessageBody,
  type SuppressionEntryBody,
  type TemplateInput,
  type TemplatePreviewBody,
} from "@siyu/contracts";
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { z } from "zod";
import { apiCommand, apiRequest, encodePathSegment } from "../../../lib/api";

// The messaging API (docs/modules/messaging.md). Lists without a contract DTO of their own are read
// as `{ items }`; a `nextCursor` beside them is ignored.
const SuppressionListDto = z.object({ items: z.array(SuppressionEntryDto) });
const BroadcastListDto = z.object({ items: z.array(BroadcastDto) });

const ws = (workspaceId: string) => `/workspaces/${encodePathSegment(workspaceId)}`;
const seg = encodePathSegment;

export const messagingKeys = {
  all: (workspaceId: string) => ["workspaces", workspaceId, "messaging"] as const,
  templates: (workspaceId: string) => [...messagingKeys.all(workspaceId), "templates"] as const,
  settings: (workspaceId: string) => [...messagingKeys.all(workspaceId), "settings"] as const,
  callbacks: (workspaceId: string) => [...messagingKeys.all(workspaceId), "callbacks"] as const,
  suppressions: (workspaceId: string) => [...messagingKeys.all(workspaceId), "suppressions"] as const,
  messages: (workspaceId: string) => [...messagingKeys.all(workspaceId), "messages"] as const,
  messageList: (workspaceId: string, query: Partial<MessageListQuery>) => [...messagingKeys.messages(workspaceId), "list", query] as const,
  message: (workspaceId: string, messageId: string) => [...messagingKeys.messages(workspaceId), "detail", messageId] as const,
  broadcasts: (workspaceId: string) => [...messagingKeys.all(workspaceId), "broadcasts"] as const,
  customerSearch: (workspaceId: string, q: string) => ["workspaces", workspaceId, "messaging-customer-search", q] as const,
  segments: (workspaceId: string) => ["workspaces", workspaceId, "messaging-segments"] as const,
};

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

export function useTemplates(workspaceId: string) {
  return useQuery({
    queryKey: messagingKeys.templates(workspaceId),
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/message-templates`, TemplateListDto, { signal }),
  });
}

export function useSaveTemplate(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ templateId, body }: { templateId: string | null; body: TemplateInput }) =>
      apiRequest(templateId ? `${ws(workspaceId)}/message-templates/${seg(templateId)}` : `${ws(workspaceId)}/message-templates`, TemplateDto, {
        method: templateId ? "PUT" : "POST",
        body,
      }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: messagingKeys.templates(workspaceId) }),
  });
}

export function useDeleteTemplate(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (templateId: string) => apiCommand(`${ws(workspaceId)}/message-templates/${seg(templateId)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: messagingKeys.templates(workspaceId) }),
  });
}

export function usePreviewTemplate(workspaceId: string) {
  return useMutation({
    mutationFn: ({ templateId, body }: { templateId: string; body: Partial<TemplatePreviewBody> }) =>
      apiRequest(`${ws(workspaceId)}/message-templates/${seg(templateId)}/preview`, TemplatePreviewDto, { method: "POST", body }),
  });
}

// ---------------------------------------------------------------------------------------------
// Settings and suppressions
// ---------------------------------------------------------------------------------------------

export function useMessagingSettings(workspaceId: string) {
  return useQuery({
    queryKey: messagingKeys.settings(workspaceId),
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/messaging/settings`, MessagingSettings, { signal }),
  });
}

/** The providers' callback URLs (they carry the workspace's callback token; managers only). */
export function useMessagingCallbacks(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: messagingKeys.callbacks(workspaceId),
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/messaging/callbacks`, MessagingCallbacksDto, { signal }),
    enabled,
    staleTime: Infinity,
  });
}

export function useSaveMessagingSettings(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: MessagingSettings) => apiRequest(`${ws(workspaceId)}/messaging/settings`, MessagingSettings, { method: "PUT", body }),
    onSuccess: (saved) => queryClient.setQueryData(messagingKeys.settings(workspaceId), saved),
  });
}

export function useSuppressions(workspaceId: string) {
  return useQuery({
    queryKey: messagingKeys.suppressions(workspaceId),
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/messaging/suppressions`, SuppressionListDto, { signal }),
  });
}

export function useAddSuppression(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SuppressionEntryBody) => apiCommand(`${ws(workspaceId)}/messaging/suppressions`, { method: "POST", body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: messagingKeys.suppressions(workspaceId) }),
  });
}

export function useRemoveSuppression(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiCommand(`${ws(workspaceId)}/messaging/suppressions/${seg(id)}`, { method: "DELETE" }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: messagingKeys.suppressions(workspaceId) }),
  });
}

// ---------------------------------------------------------------------------------------------
// Message log
// ---------------------------------------------------------------------------------------------

export function useMessages(workspaceId: string, query: Partial<MessageListQuery>, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: messagingKeys.messageList(workspaceId, query),
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/messages`, MessagePageDto, { signal, query }),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
    // Statuses move as the dispatcher works: a list opened again shows where they are now.
    staleTime: 0,
  });
}

export function useMessage(workspaceId: string, messageId: string | null) {
  return useQuery({
    queryKey: messagingKeys.message(workspaceId, messageId ?? ""),
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/messages/${seg(messageId!)}`, MessageDto, { signal }),
    enabled: messageId !== null,
    staleTime: 0,
  });
}

export function useSendMessage(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SendMessageBody) => apiCommand(`${ws(workspaceId)}/messages`, { method: "POST", body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: messagingKeys.messages(workspaceId) }),
  });
}

// ---------------------------------------------------------------------------------------------
// Broadcasts
// ---------------------------------------------------------------------------------------------

export function useBroadcasts(workspaceId: string) {
  return useQuery({
    queryKey: messagingKeys.broadcasts(workspaceId),
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/broadcasts`, BroadcastListDto, { signal }),
    staleTime: 0,
  });
}

export function useCreateBroadcast(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: BroadcastBody) => apiRequest(`${ws(workspaceId)}/broadcasts`, BroadcastDto, { method: "POST", body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: messagingKeys.broadcasts(workspaceId) }),
  });
}

export function useCancelBroadcast(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (broadcastId: string) => apiCommand(`${ws(workspaceId)}/broadcasts/${seg(broadcastId)}/cancel`, { method: "POST", body: {} }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: messagingKeys.broadcasts(workspaceId) }),
  });
}

// ---------------------------------------------------------------------------------------------
// Pickers (features never import each other: the customers and segments lists are read here)
// ---------------------------------------------------------------------------------------------

export function useCustomerSearch(workspaceId: string, q: string) {
  return useQuery({
    queryKey: messagingKeys.customerSearch(workspaceId, q),
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/customers`, ProfilePageDto, { signal, query: { q: q || undefined, limit: 20 } }),
    placeholderData: keepPreviousData,
  });
}

export function useSegmentOptions(workspaceId: string) {
  return useQuery({
    queryKey: messagingKeys.segments(workspaceId),
    queryFn: ({ signal }) => apiRequest(`${ws(workspaceId)}/segments`, SegmentListDto, { signal }),
  });
}
