import { createHmac, randomUUID } from "node:crypto";
import { z } from "zod";
import type { DeliveryResult } from "./channel";
import { type FetchLike, PROVIDER_TIMEOUT_MS, httpStatusResult, msUntilProviderMidnight, networkRetry, readJson } from "./provider-support";

// Aliyun Dysmsapi (短信服务) SendSms, API version 2017-05-25, RPC style: every parameter in the
// query (or form body), signed with HMAC-SHA1 over the canonicalised query ("Signature v1").

export const ALIYUN_SMS_ENDPOINT = "https://dysmsapi.aliyuncs.com/";

/** RFC 3986 encoding as Aliyun's signature needs it: only A-Z a-z 0-9 - _ . ~ stay as they are. */
export function aliyunPercentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Parameters sorted by name, each name=value percent-encoded, joined with &. */
export function aliyunCanonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .filter((k) => k !== "Signature")
    .sort()
    .map((k) => `${aliyunPercentEncode(k)}=${aliyunPercentEncode(params[k]!)}`)
    .join("&");
}

/** Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", METHOD & percentEncode("/") & percentEncode(canonicalQuery))). */
export function aliyunSignature(method: string, params: Record<string, string>, accessKeySecret: string): string {
  const stringToSign = `${method.toUpperCase()}&${aliyunPercentEncode("/")}&${aliyunPercentEncode(aliyunCanonicalQuery(params))}`;
  return createHmac("sha1", `${accessKeySecret}&`).update(stringToSign).digest("base64");
}

/** The format Aliyun wants its timestamps in: ISO 8601 UTC without milliseconds. */
export function aliyunTimestamp(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Mainland numbers go without +86; others as country code + number (Aliyun's international format). */
export function aliyunPhoneNumber(e164: string): string {
  const digits = e164.replace(/^\+/, "");
  return digits.startsWith("86") && digits.length === 13 ? digits.slice(2) : digits;
}

export interface AliyunSmsConfig {
  accessKeyId: string;
  accessKeySecret: string;
  signName: string;
  endpoint: string;
  regionId: string;
}

export interface AliyunSmsSend {
  messageId: string;
  phone: string;
  templateCode: string;
  params: Record<string, string>;
}

export async function sendAliyunSms(fetchFn: FetchLike, now: Date, config: AliyunSmsConfig, send: AliyunSmsSend): Promise<DeliveryResult> {
  const params: Record<string, string> = {
    AccessKeyId: config.accessKeyId,
    Action: "SendSms",
    Format: "JSON",
    RegionId: config.regionId,
    SignatureMethod: "HMAC-SHA1",
    SignatureNonce: randomUUID(),
    SignatureVersion: "1.0",
    Timestamp: aliyunTimestamp(now),
    Version: "2017-05-25",
    PhoneNumbers: aliyunPhoneNumber(send.phone),
    SignName: config.signName,
    TemplateCode: send.templateCode,
    TemplateParam: JSON.stringify(send.params),
    // Our message id travels as OutId and comes back on delivery receipts, so a retried delivery is recognisable.
    OutId: send.messageId,
  };
  const body = `Signature=${aliyunPercentEncode(aliyunSignature("POST", params, config.accessKeySecret))}&${aliyunCanonicalQuery(params)}`;
  let response: Response;
  try {
    response = await fetchFn(config.endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded; charset=utf-8", accept: "application/json" },
      body,
      signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS),
    });
  } catch (error) {
    return networkRetry("aliyun sms", error);
  }
  const parsed = await readJson(response);
  if (!parsed.ok) return httpStatusResult("aliyun sms", response, parsed.text);
  const answer = parsed.body as { Code?: string; Message?: string; BizId?: string };
  if (typeof answer.Code !== "string") return httpStatusResult("aliyun sms", response, JSON.stringify(parsed.body));
  if (answer.Code === "OK") return { status: "delivered", ...(answer.BizId ? { providerId: answer.BizId } : {}) };
  return aliyunErrorResult(answer.Code, answer.Message ?? "", now);
}

/**
 * Aliyun's documented SendSms error codes: flow control, quota, balance and the provider's own faults
 * are retried; a bad number, template, signature, parameter or credential fails the message.
 */
export function aliyunErrorResult(code: string, message: string, now: Date): DeliveryResult {
  const error = `aliyun sms ${code}: ${message}`;
  switch (code) {
    case "isv.BUSINESS_LIMIT_CONTROL": {
      // Per-number flow control (by default 1 a minute, 5 an hour, 10 a day); the message says which.
      if (/天|day/i.test(message)) return { status: "retry", error, retryAfterMs: msUntilProviderMidnight(now) };
      if (/小时|hour/i.test(message)) return { status: "retry", error, retryAfterMs: 3_600_000 };
      return { status: "retry", error, retryAfterMs: 60_000 };
    }
    case "isv.DAY_LIMIT_CONTROL":
      return { status: "retry", error, retryAfterMs: msUntilProviderMidnight(now) };
    case "Throttling":
    case "Throttling.User":
    case "Throttling.Api":
    case "SignatureNonceUsed":
      return { status: "retry", error, retryAfterMs: 1000 };
    case "isv.AMOUNT_NOT_ENOUGH":
    case "isv.OUT_OF_SERVICE":
      // The account's balance or standing: fixed by the operator, not by the message.
      return { status: "retry", error, retryAfterMs: 3_600_000 };
    case "isp.SYSTEM_ERROR":
    case "isp.GATEWAY_ERROR":
    case "ServiceUnavailable":
    case "InternalError":
    case "isv.SYSTEM_ERROR":
      return { status: "retry", error };
    default:
      // isv.MOBILE_NUMBER_ILLEGAL, isv.SMS_TEMPLATE_ILLEGAL, isv.SMS_SIGNATURE_ILLEGAL,
      // isv.TEMPLATE_MISSING_PARAMETERS, isv.INVALID_PARAMETERS, isv.BLACK_KEY_CONTROL_LIMIT,
      // isv.PARAM_LENGTH_LIMIT, isv.DENY_IP_RANGE, isp.RAM_PERMISSION_DENY, SignatureDoesNotMatch,
      // InvalidAccessKeyId.NotFound …
      return { status: "failed", error };
  }
}

// ---------------------------------------------------------------------------------------------
// Upstream messages (replies): the SmsUp message Aliyun pushes to the configured HTTP callback.
// ---------------------------------------------------------------------------------------------

/** One inbound SMS, provider-neutral; `phone` in E.164. */
export interface SmsReply {
  phone: string;
  content: string;
  receivedAt: Date;
}

const AliyunSmsUpItem = z.object({
  phone_number: z.string().min(5),
  send_time: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, { message: "must be YYYY-MM-DD HH:MM:SS" }),
  content: z.string(),
  sign_name: z.string().optional(),
  dest_code: z.string().optional(),
  sequence_id: z.union([z.number(), z.string()]).optional(),
});
/** Aliyun pushes a JSON array of SmsUp items. */
export const AliyunSmsUpBody = z.array(AliyunSmsUpItem);

/** What the callback must answer, or Aliyun pushes the batch again. */
export const ALIYUN_SMS_REPLY_ACK = { code: 0, msg: "成功" } as const;

/** Parses Aliyun's SmsUp push (throws a ZodError naming the field on a malformed body). */
export function parseAliyunSmsReplies(body: unknown): SmsReply[] {
  return AliyunSmsUpBody.parse(body).map((item) => ({
    phone: aliyunReplyPhone(item.phone_number),
    content: item.content.trim(),
    // send_time is Beijing wall-clock time (UTC+8, no daylight saving).
    receivedAt: new Date(`${item.send_time.replace(" ", "T")}+08:00`),
  }));
}

function aliyunReplyPhone(raw: string): string {
  const digits = raw.replace(/[^\d]/g, "");
  if (raw.trim().startsWith("+")) return `+${digits}`;
  return digits.length === 11 && digits.startsWith("1") ? `+86${digits}` : `+${digits}`;
}
