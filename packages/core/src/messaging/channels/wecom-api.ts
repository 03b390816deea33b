import { type AccessTokenCache, type FetchedToken, type WxAnswer, callWithToken, tokenKey, wxCall } from "./access-token";
import type { DeliveryResult } from "./channel";
import type { FetchLike } from "./provider-support";

/** One POST to a WeCom API with the app's cached token: the parsed answer, or the result when there was none. */
export type WecomApi = (path: string, body: Record<string, unknown>) => Promise<{ ok: true; answer: WxAnswer } | { ok: false; result: DeliveryResult }>;

/** The app a WeCom call is made as. */
export interface WecomApp {
  corpId: string;
  secret: string;
  apiBase: string;
}

/** 40014 invalid and 42001 expired access_token (41001 missing): fetch a new one and retry once. */
const TOKEN_ERRCODES = new Set([40014, 41001, 42001]);

function fetchWecomToken(fetchFn: FetchLike, app: WecomApp): () => Promise<FetchedToken | { result: DeliveryResult }> {
  return async () => {
    const url = new URL("cgi-bin/gettoken", app.apiBase);
    url.search = new URLSearchParams({ corpid: app.corpId, corpsecret: app.secret }).toString();
    const call = await wxCall(fetchFn, "wecom", url.toString());
    if (!call.ok) return { result: call.result };
    const { answer } = call;
    if (!answer.errcode && typeof answer.access_token === "string") return { token: answer.access_token, expiresInS: Number(answer.expires_in) || 7200 };
    const error = `wecom gettoken errcode ${answer.errcode}: ${answer.errmsg ?? ""}`;
    if (answer.errcode === -1 || answer.errcode === 45009 || answer.errcode === 45033) return { result: { status: "retry", error, retryAfterMs: 60_000 } };
    // 40013 invalid corpid, 40001 / 40091 invalid secret, 60020 IP not allowed …
    return { result: { status: "failed", error } };
  };
}

/** Calls to `app`'s WeCom APIs, each with the cached token (fetched again once when WeCom calls it invalid or expired). */
export function wecomApi(fetchFn: FetchLike, tokens: AccessTokenCache, app: WecomApp): WecomApi {
  const key = tokenKey(app.apiBase, app.corpId, app.secret);
  const fetchToken = fetchWecomToken(fetchFn, app);
  return (path, body) =>
    callWithToken(tokens, key, fetchToken, TOKEN_ERRCODES, (token) => {
      const target = new URL(path, app.apiBase);
      target.searchParams.set("access_token", token);
      return wxCall(fetchFn, "wecom", target.toString(), body);
    });
}

/** WeCom's documented errcodes for add_msg_template, judged. */
export function wecomErrorResult(answer: WxAnswer): DeliveryResult {
  const error = `wecom errcode ${answer.errcode}: ${answer.errmsg ?? ""}`;
  switch (answer.errcode) {
    case -1:
    case 45033:
      return { status: "retry", error, retryAfterMs: 1000 };
    case 45009:
      return { status: "retry", error, retryAfterMs: 60_000 };
    default:
      // 40003 / 60111 invalid sender userid, 40096 invalid external_userid, 84061 not the sender's
      // customer, 48002 API forbidden, 60020 IP not allowed, 41xxx missing fields …
      return { status: "failed", error };
  }
}
