import type { ChannelAdapter, DeliveryResult } from "./channel";
import { webhookHeaders } from "./webhook-signature";

export interface WebhookChannelDeps {
  /** Global fetch unless replaced. */
  fetch?: typeof fetch;
  /** Seconds since the epoch for the signature's timestamp. */
  now?: () => Date;
  timeoutMs?: number;
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

/**
 * POSTs the rendered JSON to the message's address, signed as Standard Webhooks says with the
 * channel's `secret` (whsec_…). 2xx delivered; 410 Gone failed for good; 408, 429, 5xx and network
 * errors retried; any other 4xx failed.
 */
export function createWebhookChannel(deps: WebhookChannelDeps = {}): ChannelAdapter {
  const doFetch = deps.fetch ?? fetch;
  return {
    channel: "webhook",
    addressType: null,
    async deliver(message, config): Promise<DeliveryResult> {
      const body = message.rendered.body;
      const timestamp = Math.floor((deps.now?.() ?? new Date()).getTime() / 1000);
      let response: Response;
      try {
        response = await doFetch(message.address, {
          method: "POST",
          headers: webhookHeaders(config.secret || null, message.id, timestamp, body),
          body,
          signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
          redirect: "manual",
        });
      } catch (error) {
        return { status: "retry", error: `network: ${error instanceof Error ? error.message : String(error)}` };
      }
      await response.body?.cancel().catch(() => {});
      if (response.status >= 200 && response.status < 300) return { status: "delivered" };
      if (response.status === 410) return { status: "failed", error: "410 Gone: the receiver asked not to be called again" };
      if (response.status === 408 || response.status === 429 || response.status >= 500) {
        return { status: "retry", error: `HTTP ${response.status}`, retryAfterMs: retryAfterMs(response.headers.get("retry-after")) };
      }
      return { status: "failed", error: `HTTP ${response.status}` };
    },
  };
}
