import type { z } from "zod";
import { localParts, zonedMidnight } from "../../shared/local-time";
import type { DeliveryResult } from "./channel";

/** The slice of `fetch` the adapters use; tests and proxies inject their own. */
export type FetchLike = (input: string, init?: { method?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal }) => Promise<Response>;

/** Chinese providers count days (quotas, per-number limits) in Beijing time whatever the workspace's zone. */
export const PROVIDER_TIME_ZONE = "Asia/Shanghai";

/** Milliseconds from `now` to the next midnight in Beijing, when daily provider quotas reset. */
export function msUntilProviderMidnight(now: Date): number {
  const p = localParts(now, PROVIDER_TIME_ZONE);
  // Date.UTC inside zonedMidnight rolls day 32 over into the next month.
  const next = zonedMidnight(p.year, p.month, p.day + 1, PROVIDER_TIME_ZONE);
  return Math.max(1000, next.getTime() - now.getTime());
}

/**
 * Parses a channel's `config` with its schema. A bad config is the operator's to fix, not something a
 * retry cures, so it fails the message with every bad key named.
 */
export function parseChannelConfig<S extends z.ZodType>(channel: string, schema: S, config: Record<string, string>): { ok: true; value: z.infer<S> } | { ok: false; result: DeliveryResult } {
  const parsed = schema.safeParse(config);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`);
  return { ok: false, result: { status: "failed", error: `${channel} config invalid (${problems.join("; ")})` } };
}

/** A provider call that did not get an answer (refused, reset, timed out) is worth another try. */
export function networkRetry(provider: string, error: unknown): DeliveryResult {
  const message = error instanceof Error ? error.message : String(error);
  return { status: "retry", error: `${provider} unreachable: ${message}` };
}

/** 5xx and 429 from a provider's front end are transient; other HTTP errors are not. */
export function httpStatusResult(provider: string, response: Response, detail: string): DeliveryResult {
  const error = `${provider} answered HTTP ${response.status}${detail ? `: ${detail.slice(0, 300)}` : ""}`;
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    const retryAfter = Number(response.headers.get("retry-after"));
    return { status: "retry", error, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}) };
  }
  return { status: "failed", error };
}

/** Reads a JSON answer; a body that is not JSON is the front end's error page, judged by its status. */
export async function readJson(response: Response): Promise<{ ok: true; body: unknown } | { ok: false; text: string }> {
  const text = await response.text();
  try {
    return { ok: true, body: JSON.parse(text) };
  } catch {
    return { ok: false, text };
  }
}

/** Every call gets a deadline so a hung provider turns into a retry instead of a stuck dispatcher. */
export const PROVIDER_TIMEOUT_MS = 15_000;
