import { createHash, createHmac } from "node:crypto";
import { z } from "zod";
import type { DeliveryResult } from "./channel";
import { type FetchLike, PROVIDER_TIMEOUT_MS, httpStatusResult, msUntilProviderMidnight, networkRetry, readJson } from "./provider-support";
import type { SmsReply } from "./sms-aliyun";

// Tencent Cloud SMS SendSms, API version 2021-01-11: a JSON POST signed with TC3-HMAC-SHA256
// (signature v3).

export const TENCENT_SMS_ENDPOINT = "https://sms.tencentcloudapi.com/";
const SERVICE = "sms";
const CONTENT_TYPE = "application/json; charset=utf-8";

const sha256Hex = (data: string) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

export interface Tc3Request {
  host: string;
  action: string;
  payload: string;
  /** Unix seconds. */
  timestamp: number;
  secretId: string;
  secretKey: string;
  service?: string;
}

/**
 * The Authorization header for a POST to "/", as Tencent documents signature v3: the canonical
 * request (method, URI, empty query, the signed headers content-type;host;x-tc-action, the payload's
 * SHA-256), the string to sign with the credential scope date/service/tc3_request, and the key
 * derived TC3+SecretKey → date → service → "tc3_request".
 */
export function tc3Authorization(req: Tc3Request): string {
  const service = req.service ?? SERVICE;
  const date = new Date(req.timestamp * 1000).toISOString().slice(0, 10);
  const canonicalRequest = tc3CanonicalRequest(req.host, req.action, req.payload);
  const scope = `${date}/${service}/tc3_request`;
  const stringToSign = ["TC3-HMAC-SHA256", String(req.timestamp), scope, sha256Hex(canonicalRequest)].join("\n");
  const signingKey = hmac(hmac(hmac(`TC3${req.secretKey}`, date), service), "tc3_request");
  const signature = createHmac("sha256", signingKey).update(stringToSign).digest("hex");
  return `TC3-HMAC-SHA256 Credential=${req.secretId}/${scope}, SignedHeaders=${SIGNED_HEADERS}, Signature=${signature}`;
}

const SIGNED_HEADERS = "content-type;host;x-tc-action";

/** The canonical request of a JSON POST to "/" (lowercased header names and values, empty query). */
export function tc3CanonicalRequest(host: string, action: string, payload: string): string {
  const canonicalHeaders = `content-type:${CONTENT_TYPE}\nhost:${host}\nx-tc-action:${action.toLowerCase()}\n`;
  return ["POST", "/", "", canonicalHeaders, SIGNED_HEADERS, sha256Hex(payload)].join("\n");
}

export interface TencentSmsConfig {
  secretId: string;
  secretKey: string;
  smsSdkAppId: string;
  signName: string;
  region: string;
  endpoint: string;
}

export interface TencentSmsSend {
  messageId: string;
  phone: string;
  templateId: string;
  params: Record<string, string>;
}

/**
 * TemplateParamSet is positional ({1}, {2} … in the approved template): numeric keys in numeric
 * order, any other keys after them in the order they were written.
 */
export function tencentTemplateParams(params: Record<string, string>): string[] {
  const keys = Object.keys(params);
  const numeric = keys.filter((k) => /^\d+$/.test(k)).sort((a, b) => Number(a) - Number(b));
  const named = keys.filter((k) => !/^\d+$/.test(k));
  return [...numeric, ...named].map((k) => params[k]!);
}

interface TencentAnswer {
  Response?: {
    Error?: { Code?: string; Message?: string };
    SendStatusSet?: { SerialNo?: string; PhoneNumber?: string; Code?: string; Message?: string; SessionContext?: string }[];
    RequestId?: string;
  };
}

export async function sendTencentSms(fetchFn: FetchLike, now: Date, config: TencentSmsConfig, send: TencentSmsSend): Promise<DeliveryResult> {
  const payload = JSON.stringify({
    PhoneNumberSet: [send.phone],
    SmsSdkAppId: config.smsSdkAppId,
    SignName: config.signName,
    TemplateId: send.templateId,
    TemplateParamSet: tencentTemplateParams(send.params),
    // Echoed back on receipts: our message id, so a retried delivery is recognisable.
    SessionContext: send.messageId,
  });
  const timestamp = Math.floor(now.getTime() / 1000);
  const host = new URL(config.endpoint).host;
  const headers = {
    authorization: tc3Authorization({ host, action: "SendSms", payload, timestamp, secretId: config.secretId, secretKey: config.secretKey }),
    "content-type": CONTENT_TYPE,
    host,
    "x-tc-action": "SendSms",
    "x-tc-timestamp": String(timestamp),
    "x-tc-version": "2021-01-11",
    "x-tc-region": config.region,
  };
  let response: Response;
  try {
    response = await fetchFn(config.endpoint, { method: "POST", headers, body: payload, signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
  } catch (error) {
    return networkRetry("tencent sms", error);
  }
  const parsed = await readJson(response);
  if (!parsed.ok) return httpStatusResult("tencent sms", response, parsed.text);
  const answer = (parsed.body as TencentAnswer).Response;
  if (!answer) return httpStatusResult("tencent sms", response, JSON.stringify(parsed.body));
  if (answer.Error?.Code) return tencentErrorResult(answer.Error.Code, answer.Error.Message ?? "", now);
  const status = answer.SendStatusSet?.[0];
  if (!status?.Code) return { status: "retry", error: "tencent sms answered without a send status" };
  if (status.Code === "Ok") return { status: "delivered", ...(status.SerialNo ? { providerId: status.SerialNo } : {}) };
  return tencentErrorResult(status.Code, status.Message ?? "", now);
}

/**
 * Tencent's documented SendSms error codes, from the request's Error or the number's SendStatus:
 * per-number frequency limits, API rate limits, balance and internal errors are retried; a bad
 * number, template, signature, parameter, blacklist or credential fails the message.
 */
export function tencentErrorResult(code: string, message: string, now: Date): DeliveryResult {
  const error = `tencent sms ${code}: ${message}`;
  if (code === "LimitExceeded.PhoneNumberThirtySecondLimit") return { status: "retry", error, retryAfterMs: 30_000 };
  if (code === "LimitExceeded.PhoneNumberOneHourLimit") return { status: "retry", error, retryAfterMs: 3_600_000 };
  if (/^LimitExceeded\..*Daily/.test(code)) return { status: "retry", error, retryAfterMs: msUntilProviderMidnight(now) };
  if (code === "LimitExceeded.PhoneNumberCountLimit") return { status: "failed", error };
  if (code.startsWith("LimitExceeded.")) return { status: "retry", error, retryAfterMs: 60_000 };
  if (code === "RequestLimitExceeded" || code.startsWith("RequestLimitExceeded.")) return { status: "retry", error, retryAfterMs: 1000 };
  if (code === "FailedOperation.InsufficientBalanceInSmsPackage") return { status: "retry", error, retryAfterMs: 3_600_000 };
  // A clock out of step with Tencent's (the signature is valid five minutes): the next attempt signs anew.
  if (code === "AuthFailure.SignatureExpire") return { status: "retry", error };
  if (code.startsWith("InternalError") || code === "ResourceUnavailable" || code.startsWith("ResourceUnavailable.")) return { status: "retry", error };
  // InvalidParameterValue.IncorrectPhoneNumber, FailedOperation.TemplateIncorrectOrUnapproved,
  // FailedOperation.SignatureIncorrectOrUnapproved, FailedOperation.PhoneNumberInBlacklist,
  // InvalidParameterValue.TemplateParameterFormatError, AuthFailure.SignatureFailure, UnauthorizedOperation.* …
  return { status: "failed", error };
}

// ---------------------------------------------------------------------------------------------
// Upstream messages (replies): Tencent's 回复短信回调, one JSON object per reply.
// ---------------------------------------------------------------------------------------------

const TencentReplyItem = z.object({
  mobile: z.string().min(5),
  nationcode: z.string().regex(/^\d{1,4}$/, { message: "must be a country calling code" }),
  text: z.string(),
  time: z.number().int().positive(),
  sign: z.string().optional(),
  extend: z.string().optional(),
});
/** Tencent posts one reply per request; a list is accepted too. */
export const TencentSmsReplyBody = z.union([TencentReplyItem, z.array(TencentReplyItem)]);

/** What the callback must answer. */
export const TENCENT_SMS_REPLY_ACK = { result: 0, errmsg: "OK" } as const;

/** Parses Tencent's reply callback (throws a ZodError naming the field on a malformed body). */
export function parseTencentSmsReplies(body: unknown): SmsReply[] {
  const parsed = TencentSmsReplyBody.parse(body);
  return (Array.isArray(parsed) ? parsed : [parsed]).map((item) => ({
    phone: `+${item.nationcode}${item.mobile.replace(/[^\d]/g, "")}`,
    content: item.text.trim(),
    receivedAt: new Date(item.time * 1000),
  }));
}
