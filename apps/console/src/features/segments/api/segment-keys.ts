import { buildApiUrl, encodePathSegment } from "../../../lib/api";

export const segmentKeys = {
  all: (workspaceId: string) => ["workspaces", workspaceId, "segments"] as const,
  list: (workspaceId: string) => [...segmentKeys.all(workspaceId), "list"] as const,
  detail: (workspaceId: string, segmentId: string) => [...segmentKeys.all(workspaceId), "detail", segmentId] as const,
  members: (workspaceId: string, segmentId: string) => [...segmentKeys.all(workspaceId), "members", segmentId] as const,
  history: (workspaceId: string, segmentId: string) => [...segmentKeys.all(workspaceId), "history", segmentId] as const,
  catalogue: (workspaceId: string) => [...segmentKeys.all(workspaceId), "catalogue"] as const,
  stores: (workspaceId: string) => [...segmentKeys.all(workspaceId), "store-choices"] as const,
};

export function segmentsPath(workspaceId: string): string {
  return `/workspaces/${encodePathSegment(workspaceId)}/segments`;
}

export function segmentPath(workspaceId: string, segmentId: string): string {
  return `${segmentsPath(workspaceId)}/${encodePathSegment(segmentId)}`;
}

/** The CSV of a segment's members, downloaded by the browser with the session cookie. */
export function segmentExportUrl(workspaceId: string, segmentId: string): string {
  return buildApiUrl(`${segmentPath(workspaceId, segmentId)}/export.csv`);
}
