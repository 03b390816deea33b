import { z } from "zod";
import { type Clock, systemClock } from "../../shared/clock";
import type { ChannelAdapter, DeliveryResult, OutgoingMessage } from "./channel";
import { type FetchLike, parseChannelConfig } from "./provider-support";
import { ALIYUN_SMS_ENDPOINT, sendAliyunSms } from "./sms-aliyun";
import { TENCENT_SMS_ENDPOINT, sendTencentSms } from "./sms-tencent";

const required = (name: string) => z.string({ message: `${name} is required` }).trim().min(1, { message: `${name} is required` });

/** `config` of the sms channel with provider "aliyun" (Dysmsapi SendSms). */
export const AliyunSmsChannelConfig = z.object({
  provider: z.literal("aliyun"),
  accessKeyId: required("accessKeyId"),
  accessKeySecret: required("accessKeySecret"),
  /** The approved signature (签名), e.g. 思域茶饮. */
  signName: required("signName"),
  endpoint: z.url().default(ALIYUN_SMS_ENDPOINT),
  regionId: z.string().min(1).default("cn-hangzhou"),
});

/** `config` of the sms channel with provider "tencent" (SMS SendSms 2021-01-11). */
export const TencentSmsChannelConfig = z.object({
  provider: z.literal("tencent"),
  secretId: required("secretId"),
  secretKey: required("secretKey"),
  smsSdkAppId: required("smsSdkAppId"),
  signName: required("signName"),
  region: z.string().min(1).default("ap-guangzhou"),
  endpoint: z.url().default(TENCENT_SMS_ENDPOINT),
});

export const SmsChannelConfig = z.discriminatedUnion("provider", [AliyunSmsChannelConfig, TencentSmsChannelConfig], {
  message: 'provider must be "aliyun" or "tencent"',
});
export type SmsChannelConfig = z.infer<typeof SmsChannelConfig>;

export interface SmsChannelDeps {
  fetch?: FetchLike;
  clock?: Clock;
}

/**
 * SMS through Aliyun or Tencent Cloud, chosen by `config.provider`. Both send only approved
 * templates: `rendered.providerTemplate` is the template code / id, `rendered.params` its variables.
 * The message id goes along (Aliyun OutId, Tencent SessionContext) so receipts and retries can be matched.
 */
export function createSmsChannel(deps: SmsChannelDeps = {}): ChannelAdapter {
  const fetchFn: FetchLike = deps.fetch ?? ((input, init) => fetch(input, init));
  const clock = deps.clock ?? systemClock;
  return {
    channel: "sms",
    addressType: "phone",
    async deliver(message: OutgoingMessage, rawConfig: Record<string, string>): Promise<DeliveryResult> {
      const config = parseChannelConfig("sms", SmsChannelConfig, rawConfig);
      if (!config.ok) return config.result;
      if (!/^\+[1-9]\d{6,14}$/.test(message.address)) return { status: "failed", error: `invalid phone number (E.164 expected): ${message.address}` };
      const template = message.rendered.providerTemplate.trim();
      if (!template) return { status: "failed", error: "sms needs the provider's template code (providerTemplate)" };
      const send = { messageId: message.id, phone: message.address, params: message.rendered.params };
      const c = config.value;
      return c.provider === "aliyun"
        ? sendAliyunSms(fetchFn, clock.now(), c, { ...send, templateCode: template })
        : sendTencentSms(fetchFn, clock.now(), c, { ...send, templateId: template });
    },
  };
}
