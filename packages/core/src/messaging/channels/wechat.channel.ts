import { z } from "zod";
import { type Clock, systemClock } from "../../shared/clock";
import { type AccessTokenCache, type FetchedToken, type WxAnswer, callWithToken, createAccessTokenCache, tokenKey, wxCall } from "./access-token";
import type { ChannelAdapter, DeliveryResult, OutgoingMessage } from "./channel";
import { type FetchLike, msUntilProviderMidnight, parseChannelConfig } from "./provider-support";

export const WECHAT_API_BASE = "https://api.weixin.qq.com/";

const required = (name: string) => z.string({ message: `${name} is required` }).trim().min(1, { message: `${name} is required` });

/** `config` of wechat_subscribe (a mini-program) and wechat_template (an official account). */
export const WechatChannelConfig = z.object({
  appId: required("appId"),
  appSecret: required("appSecret"),
  apiBase: z.url().default(WECHAT_API_BASE),
  /** wechat_subscribe: which build of the mini-program the card opens (formal | trial | developer). */
  miniprogramState: z.enum(["formal", "trial", "developer"]).default("formal"),
  /** wechat_subscribe: the card's language (zh_CN | en_US | zh_HK | zh_TW). */
  lang: z.enum(["zh_CN", "en_US", "zh_HK", "zh_TW"]).default("zh_CN"),
  /** wechat_template: a mini-program to open instead of `url` (the template's url is then its page path). */
  miniprogramAppId: z.string().trim().optional(),
});
export type WechatChannelConfig = z.infer<typeof WechatChannelConfig>;

export interface WechatChannelDeps {
  fetch?: FetchLike;
  clock?: Clock;
  /** Shared between the two WeChat adapters when one app does both; each makes its own otherwise. */
  tokens?: AccessTokenCache;
}

/** 40001 invalid credential, 40014 invalid access_token, 41001 missing, 42001 expired: fetch a new one and retry once. */
const TOKEN_ERRCODES = new Set([40001, 40014, 41001, 42001]);

function fetchWechatToken(fetchFn: FetchLike, config: WechatChannelConfig): () => Promise<FetchedToken | { result: DeliveryResult }> {
  return async () => {
    const url = new URL("cgi-bin/token", config.apiBase);
    url.search = new URLSearchParams({ grant_type: "client_credential", appid: config.appId, secret: config.appSecret }).toString();
    const call = await wxCall(fetchFn, "wechat", url.toString());
    if (!call.ok) return { result: call.result };
    const { answer } = call;
    if (typeof answer.access_token === "string" && !answer.errcode) return { token: answer.access_token, expiresInS: Number(answer.expires_in) || 7200 };
    const error = `wechat token errcode ${answer.errcode}: ${answer.errmsg ?? ""}`;
    // -1 system busy and 45009 (the token API's own daily quota) pass; a wrong appid/secret or IP allow-list does not.
    if (answer.errcode === -1) return { result: { status: "retry", error } };
    if (answer.errcode === 45009) return { result: { status: "retry", error, retryAfterMs: 60_000 } };
    return { result: { status: "failed", error } };
  };
}

/** The errcodes of WeChat's message APIs, judged. */
export function wechatErrorResult(answer: WxAnswer, now: Date): DeliveryResult {
  const error = `wechat errcode ${answer.errcode}: ${answer.errmsg ?? ""}`;
  switch (answer.errcode) {
    case 45009:
      // The daily call quota: it resets at midnight Beijing time.
      return { status: "retry", error, retryAfterMs: msUntilProviderMidnight(now) };
    case -1:
    case 45011:
      return { status: "retry", error, retryAfterMs: 1000 };
    default:
      // 43101 the user refused (or used up) the subscription, 43004 not a follower, 40003 invalid openid,
      // 40037 invalid template id, 47003 data not matching the template, 41030 invalid page, 43019 blocked …
      return { status: "failed", error };
  }
}

function wxData(params: Record<string, string>): Record<string, { value: string }> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { value: v }]));
}

/**
 * Profiles keep WeChat OpenIDs per app as `<appId>:<openid>` (an OpenID means nothing to another app);
 * a bare OpenID is taken as the configured app's. Null when the address belongs to another app.
 */
export function openidForApp(address: string, appId: string): string | null {
  const value = address.trim();
  const colon = value.indexOf(":");
  if (colon < 0) return value || null;
  return value.slice(0, colon) === appId && value.length > colon + 1 ? value.slice(colon + 1) : null;
}

type Kind = "wechat_subscribe" | "wechat_template";

function createWechatChannel(kind: Kind, deps: WechatChannelDeps): ChannelAdapter {
  const fetchFn: FetchLike = deps.fetch ?? ((input, init) => fetch(input, init));
  const clock = deps.clock ?? systemClock;
  const tokens = deps.tokens ?? createAccessTokenCache(clock);
  return {
    channel: kind,
    addressType: "wechat_openid",
    async deliver(message: OutgoingMessage, rawConfig: Record<string, string>): Promise<DeliveryResult> {
      const parsed = parseChannelConfig(kind, WechatChannelConfig, rawConfig);
      if (!parsed.ok) return parsed.result;
      const config = parsed.value;
      const { providerTemplate, params, url } = message.rendered;
      if (!providerTemplate.trim()) return { status: "failed", error: `${kind} needs the template id (providerTemplate)` };
      const openid = openidForApp(message.address, config.appId);
      if (!openid) return { status: "failed", error: `${kind} needs the customer's OpenID for app ${config.appId} (got "${message.address}")` };
      const body =
        kind === "wechat_subscribe"
          ? {
              touser: openid,
              template_id: providerTemplate,
              ...(url ? { page: url } : {}),
              data: wxData(params),
              miniprogram_state: config.miniprogramState,
              lang: config.lang,
            }
          : {
              touser: openid,
              template_id: providerTemplate,
              ...(url && config.miniprogramAppId ? { miniprogram: { appid: config.miniprogramAppId, pagepath: url } } : url ? { url } : {}),
              data: wxData(params),
              // WeChat sends one message per openid + client_msg_id (for a while): a retried delivery is not doubled.
              client_msg_id: message.id,
            };
      const path = kind === "wechat_subscribe" ? "cgi-bin/message/subscribe/send" : "cgi-bin/message/template/send";
      const call = await callWithToken(tokens, tokenKey(config.apiBase, config.appId, config.appSecret), fetchWechatToken(fetchFn, config), TOKEN_ERRCODES, (token) => {
        const target = new URL(path, config.apiBase);
        target.searchParams.set("access_token", token);
        return wxCall(fetchFn, "wechat", target.toString(), body);
      });
      if (!call.ok) return call.result;
      if (!call.answer.errcode) return { status: "delivered", ...(call.answer.msgid !== undefined ? { providerId: String(call.answer.msgid) } : {}) };
      return wechatErrorResult(call.answer, clock.now());
    },
  };
}

/**
 * Mini-program subscribe messages (`cgi-bin/message/subscribe/send`): `providerTemplate` is the
 * template id, `params` its data keys (thing1, time2 …), `url` the page the card opens.
 */
export function createWechatSubscribeChannel(deps: WechatChannelDeps = {}): ChannelAdapter {
  return createWechatChannel("wechat_subscribe", deps);
}

/**
 * Official-account template messages (`cgi-bin/message/template/send`): `providerTemplate` is the
 * template id, `params` its data keys, `url` the link (or the mini-program page with `miniprogramAppId`).
 */
export function createWechatTemplateChannel(deps: WechatChannelDeps = {}): ChannelAdapter {
  return createWechatChannel("wechat_template", deps);
}
