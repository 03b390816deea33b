import { SegmentPreviewDto, type SegmentRule } from "@siyu/contracts";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { apiRequest } from "../../../lib/api";
import { segmentKeys, segmentsPath } from "./segment-keys";

export const PREVIEW_DEBOUNCE_MS = 400;

export function previewSegment(workspaceId: string, rule: SegmentRule, signal?: AbortSignal): Promise<SegmentPreviewDto> {
  return apiRequest(`${segmentsPath(workspaceId)}/preview`, SegmentPreviewDto, { method: "POST", body: { rule, sampleSize: 10 }, signal });
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * The live count: the rule is sent ~400 ms after the last change, only when it is complete
 * (`rule` undefined otherwise). A newer rule cancels the request of an older one; the last
 * answer stays on screen while the next one is on its way.
 */
export function useSegmentPreview(workspaceId: string, rule: SegmentRule | undefined) {
  const serialized = rule ? JSON.stringify(rule) : undefined;
  const debounced = useDebounced(serialized, PREVIEW_DEBOUNCE_MS);
  const query = useQuery({
    queryKey: [...segmentKeys.all(workspaceId), "preview", debounced] as const,
    queryFn: ({ signal }) => previewSegment(workspaceId, JSON.parse(debounced!) as SegmentRule, signal),
    enabled: debounced !== undefined,
    placeholderData: keepPreviousData,
    staleTime: 5_000,
    retry: false,
  });
  return { ...query, settling: serialized !== debounced };
}
