import type { Db } from "@siyu/storage";
import { z } from "zod";
import { type Clock, systemClock } from "../../shared/clock";
import { type AccessTokenCache, type WxAnswer, createAccessTokenCache } from "./access-token";
import type { ChannelAdapter, DeliveryResult, OutgoingMessage } from "./channel";
import { type FetchLike, parseChannelConfig } from "./provider-support";
import { earlierWecomSend, releaseWecomSend, reserveWecomSend, wecomTasksOfOtherMessages } from "./wecom-allowance";
import { wecomApi, wecomErrorResult } from "./wecom-api";
import { findEarlierTask } from "./wecom-reconcile";

export const WECOM_API_BASE = "https://qyapi.weixin.qq.com/";

const required = (name: string) => z.string({ message: `${name} is required` }).trim().min(1, { message: `${name} is required` });
const count = z.string().regex(/^\d{1,6}$/, { message: "must be a whole number" }).transform(Number);
const optionalCount = z.union([z.literal("").transform(() => null), count]).optional().transform((v) => v ?? null);

/** `config` of the wecom channel (customer contact, 客户联系). */
export const WecomChannelConfig = z.object({
  corpId: required("corpId"),
  /** The secret of the customer-contact app (or a self-built app with customer-contact permission). */
  secret: required("secret"),
  apiBase: z.url().default(WECOM_API_BASE),
  /** The staff member (userid) who sends when the message's params carry no `sender`. */
  defaultSender: z.string().trim().optional(),
  /**
   * The per-customer allowance of mass messages (WeCom documents 4 per customer per calendar month
   * for a company, and 1 a day); empty = no limit of that length. Days, weeks and months in Beijing time.
   */
  perCustomerPerDay: z.union([z.literal("").transform(() => null), count]).default(1),
  perCustomerPerWeek: optionalCount,
  perCustomerPerMonth: z.union([z.literal("").transform(() => null), count]).default(4),
  /** WeCom drops a staff member's messages beyond 30 a minute and 1,000 an hour. */
  senderPerMinute: count.default(30),
  senderPerHour: count.default(1000),
  /** A thumbnail for link cards (the message's url). */
  linkPicUrl: z.string().trim().optional(),
});
export type WecomChannelConfig = z.infer<typeof WecomChannelConfig>;

export interface WecomChannelDeps {
  /** Holds the shared reservations (messaging_wecom_sends). */
  db: Db;
  fetch?: FetchLike;
  clock?: Clock;
  tokens?: AccessTokenCache;
}

/**
 * WeCom customer contact (企业微信客户联系): `externalcontact/add_msg_template` creates a mass-send
 * task to one external contact for the staff member who owns the customer (`params.sender` or
 * `config.defaultSender`); the staff member confirms it in WeCom, so the result is
 * `pending_confirmation` with WeCom's msgid. Each send is first reserved against the customer's
 * allowance and the staff member's rate (messaging_wecom_sends), so nothing is dropped silently.
 */
export function createWecomChannel(deps: WecomChannelDeps): ChannelAdapter {
  const fetchFn: FetchLike = deps.fetch ?? ((input, init) => fetch(input, init));
  const clock = deps.clock ?? systemClock;
  const tokens = deps.tokens ?? createAccessTokenCache(clock);
  return {
    channel: "wecom",
    addressType: "wecom_external_userid",
    async deliver(message: OutgoingMessage, rawConfig: Record<string, string>): Promise<DeliveryResult> {
      const parsed = parseChannelConfig("wecom", WecomChannelConfig, rawConfig);
      if (!parsed.ok) return parsed.result;
      const config = parsed.value;
      const { subject, body, url } = message.rendered;
      const sender = (message.rendered.params.sender ?? config.defaultSender ?? "").trim();
      if (!sender) return { status: "failed", error: "wecom needs a sender: params.sender or config.defaultSender" };
      if (!message.address.trim()) return { status: "failed", error: "wecom needs the customer's external_userid" };
      if (!body.trim() && !url.trim()) return { status: "failed", error: "wecom needs a body or a link (url)" };

      const api = wecomApi(fetchFn, tokens, config);
      const linkUrl = url.trim() ? url : null;
      const text = body.trim() ? body : null;
      // WeCom takes no idempotency key: a message that still holds a reservation had an attempt that
      // reached add_msg_template, or may have (its outcome was lost). Find that task before making another.
      const earlier = await earlierWecomSend(deps.db, message.workspaceId, message.id);
      if (earlier) {
        const task = await findEarlierTask(api, earlier, { text, linkUrl }, (msgids) => wecomTasksOfOtherMessages(deps.db, message, msgids));
        if (task.kind === "unknown") return task.result;
        if (task.kind === "found") return { status: "pending_confirmation", providerId: task.msgid };
      }

      const reserved = await reserveWecomSend(deps.db, { workspaceId: message.workspaceId, messageId: message.id, sender, externalUserid: message.address }, config, clock.now());
      if (!reserved.ok) return reserved.result;

      const call = await api("cgi-bin/externalcontact/add_msg_template", {
        chat_type: "single",
        external_userid: [message.address],
        sender,
        ...(text ? { text: { content: text } } : {}),
        ...(linkUrl
          ? { attachments: [{ msgtype: "link", link: { title: (subject || body).slice(0, 128) || linkUrl, url: linkUrl, ...(config.linkPicUrl ? { picurl: config.linkPicUrl } : {}), ...(subject && body ? { desc: body.slice(0, 512) } : {}) } }] }
          : {}),
      });
      const result = judge(call, message.address, sender);
      // Only a definite "no" gives the slot back: after a network error WeCom may have created the
      // task, and the reservation tells the retry to look for it.
      if (result.status === "failed" || (call.ok && call.answer.errcode)) await releaseWecomSend(deps.db, message.workspaceId, message.id);
      return result;
    },
  };
}

function judge(call: { ok: true; answer: WxAnswer } | { ok: false; result: DeliveryResult }, externalUserid: string, sender: string): DeliveryResult {
  if (!call.ok) return call.result;
  const { answer } = call;
  if (answer.errcode) return wecomErrorResult(answer);
  const failList = Array.isArray(answer.fail_list) ? (answer.fail_list as unknown[]) : [];
  if (failList.includes(externalUserid)) return { status: "failed", error: `wecom cannot send to this customer from ${sender} (fail_list): not the sender's contact or unreachable` };
  return { status: "pending_confirmation", ...(typeof answer.msgid === "string" ? { providerId: answer.msgid } : {}) };
}
