import { createHash } from "node:crypto";
import type { Clock } from "../../shared/clock";
import type { DeliveryResult } from "./channel";
import { type FetchLike, PROVIDER_TIMEOUT_MS, httpStatusResult, networkRetry, readJson } from "./provider-support";

/** A WeChat-family JSON answer: errcode 0 (or absent) is success. */
export type WxAnswer = { errcode?: number; errmsg?: string } & Record<string, unknown>;

/** One call to a WeChat / WeCom JSON API: the parsed answer, or the delivery result when there was none. */
export async function wxCall(fetchFn: FetchLike, provider: string, url: string, body?: unknown): Promise<{ ok: true; answer: WxAnswer } | { ok: false; result: DeliveryResult }> {
  let response: Response;
  try {
    response = await fetchFn(url, {
      method: body === undefined ? "GET" : "POST",
      headers: body === undefined ? {} : { "content-type": "application/json; charset=utf-8" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
  } catch (error) {
    return { ok: false, result: networkRetry(provider, error) };
  }
  const parsed = await readJson(response);
  if (!response.ok || !parsed.ok || typeof parsed.body !== "object" || parsed.body === null) {
    return { ok: false, result: httpStatusResult(provider, response, parsed.ok ? JSON.stringify(parsed.body) : parsed.text) };
  }
  return { ok: true, answer: parsed.body as WxAnswer };
}

export interface FetchedToken {
  token: string;
  expiresInS: number;
}

/**
 * Access tokens (WeChat `cgi-bin/token`, WeCom `gettoken`) kept per app until shortly before they
 * expire; concurrent misses share one fetch. A token the provider calls invalid or expired is dropped
 * and fetched again. Kept in the process: a second process fetches its own, which both providers
 * allow (WeChat keeps the previous token valid for five minutes after a new one is issued, and a
 * call that meets 40001 refreshes and tries again).
 */
export function createAccessTokenCache(clock: Clock) {
  const entries = new Map<string, { token: string; until: number }>();
  const inflight = new Map<string, Promise<{ token: string } | { result: DeliveryResult }>>();
  return {
    async get(key: string, fetchToken: () => Promise<FetchedToken | { result: DeliveryResult }>): Promise<{ token: string } | { result: DeliveryResult }> {
      const hit = entries.get(key);
      if (hit && hit.until > clock.now().getTime()) return { token: hit.token };
      const running = inflight.get(key);
      if (running) return running;
      const load = fetchToken()
        .then((fetched) => {
          if ("result" in fetched) return fetched;
          // Five minutes' margin (or a fifth of a short lifetime) so a token never expires mid-call.
          const margin = Math.min(300, fetched.expiresInS / 5);
          entries.set(key, { token: fetched.token, until: clock.now().getTime() + (fetched.expiresInS - margin) * 1000 });
          return { token: fetched.token };
        })
        .finally(() => inflight.delete(key));
      inflight.set(key, load);
      return load;
    },
    /** Drops `token` if it is still the cached one (another caller may have refreshed it already). */
    invalidate(key: string, token: string) {
      if (entries.get(key)?.token === token) entries.delete(key);
    },
  };
}
export type AccessTokenCache = ReturnType<typeof createAccessTokenCache>;

/** The cache key of an app's token: the endpoint, the app and a digest of its secret (a new secret means a new token). */
export function tokenKey(apiBase: string, appId: string, secret: string): string {
  return `${apiBase}|${appId}|${createHash("sha256").update(secret).digest("hex").slice(0, 16)}`;
}

/**
 * Calls `call` with a cached token; when the answer's errcode says the token is invalid or expired,
 * drops it, fetches a fresh one and calls once more.
 */
export async function callWithToken(
  cache: AccessTokenCache,
  key: string,
  fetchToken: () => Promise<FetchedToken | { result: DeliveryResult }>,
  tokenErrcodes: ReadonlySet<number>,
  call: (token: string) => Promise<{ ok: true; answer: WxAnswer } | { ok: false; result: DeliveryResult }>,
): Promise<{ ok: true; answer: WxAnswer } | { ok: false; result: DeliveryResult }> {
  for (let attempt = 0; ; attempt++) {
    const token = await cache.get(key, fetchToken);
    if ("result" in token) return { ok: false, result: token.result };
    const answer = await call(token.token);
    if (!answer.ok || !tokenErrcodes.has(answer.answer.errcode ?? 0)) return answer;
    cache.invalidate(key, token.token);
    if (attempt >= 1) return { ok: false, result: { status: "retry", error: `access token refused twice (errcode ${answer.answer.errcode}: ${answer.answer.errmsg ?? ""})` } };
  }
}
