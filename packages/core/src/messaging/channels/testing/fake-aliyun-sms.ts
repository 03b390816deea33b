import { timingSafeEqual } from "node:crypto";
import { aliyunSignature } from "../sms-aliyun";
import { type FakeAnswer, startFakeHttpServer } from "./fake-http-server";

export interface AliyunSmsSendRecord {
  phoneNumbers: string;
  signName: string;
  templateCode: string;
  templateParam: Record<string, string>;
  outId: string | null;
  bizId: string;
}

export interface FakeAliyunSmsOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** Approved signatures; others get isv.SMS_SIGNATURE_ILLEGAL. */
  signNames: string[];
  /** Approved template codes → the variables each needs. */
  templates: Record<string, string[]>;
  /** The server's clock (ms), for the timestamp window. */
  now?: () => number;
}

/**
 * A stand-in for Dysmsapi's SendSms: it verifies the RPC signature as Aliyun documents it (HMAC-SHA1
 * over METHOD&%2F&percentEncode(canonical query) with AccessKeySecret + "&"), rejects a reused
 * SignatureNonce or a timestamp more than 15 minutes off, checks number, signature and template the
 * way Aliyun answers, and records each accepted send. Errors can be queued to test the mapping.
 */
export async function startFakeAliyunSms(options: FakeAliyunSmsOptions) {
  const sends: AliyunSmsSendRecord[] = [];
  const nonces = new Set<string>();
  const queued: { code: string; message: string; status?: number }[] = [];
  const now = options.now ?? Date.now;
  let requests = 0;
  const error = (code: string, message: string, status = 200): FakeAnswer => ({ status, body: { Code: code, Message: message, RequestId: `req-${requests}` } });

  const server = await startFakeHttpServer((req) => {
    requests++;
    const params = Object.fromEntries(req.method === "GET" ? req.url.searchParams : new URLSearchParams(req.body));
    if (params.AccessKeyId !== options.accessKeyId) return error("InvalidAccessKeyId.NotFound", "Specified access key is not found.", 404);
    if (params.SignatureMethod !== "HMAC-SHA1" || params.SignatureVersion !== "1.0") return error("InvalidParameter", "SignatureMethod/SignatureVersion", 400);
    const expected = Buffer.from(aliyunSignature(req.method, params, options.accessKeySecret));
    const given = Buffer.from(params.Signature ?? "");
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return error("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.", 400);
    if (!params.SignatureNonce || nonces.has(params.SignatureNonce)) return error("SignatureNonceUsed", "Specified signature nonce was used already.", 400);
    nonces.add(params.SignatureNonce);
    const at = Date.parse(params.Timestamp ?? "");
    if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(params.Timestamp ?? "") || Math.abs(at - now()) > 15 * 60_000) return error("InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.", 400);
    if (params.Action !== "SendSms" || params.Version !== "2017-05-25") return error("InvalidAction.NotFound", "Specified api is not found.", 404);

    const next = queued.shift();
    if (next) return error(next.code, next.message, next.status);
    const phone = params.PhoneNumbers ?? "";
    // Mainland numbers are 11 digits from 1; others carry their country code (86 + a short number is neither).
    if (!/^(1\d{10}|[2-9]\d{6,14})$/.test(phone) || /^86/.test(phone)) return error("isv.MOBILE_NUMBER_ILLEGAL", "非法手机号");
    if (!options.signNames.includes(params.SignName ?? "")) return error("isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名");
    const variables = options.templates[params.TemplateCode ?? ""];
    if (!variables) return error("isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板");
    let templateParam: Record<string, string>;
    try {
      templateParam = JSON.parse(params.TemplateParam ?? "{}") as Record<string, string>;
    } catch {
      return error("isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值");
    }
    const missing = variables.filter((v) => !(v in templateParam));
    if (missing.length > 0) return error("isv.TEMPLATE_MISSING_PARAMETERS", `模板变量缺少对应参数值: ${missing.join(",")}`);
    const bizId = `${String(sends.length + 1).padStart(6, "0")}^0`;
    sends.push({ phoneNumbers: phone, signName: params.SignName!, templateCode: params.TemplateCode!, templateParam, outId: params.OutId ?? null, bizId });
    return { body: { Code: "OK", Message: "OK", BizId: bizId, RequestId: `req-${requests}` } };
  });

  return {
    url: server.url,
    close: server.close,
    /** Accepted sends, in order. */
    sends,
    /** Requests seen, accepted or not. */
    requests: () => requests,
    /** The channel server's count for exactly-once tests: distinct OutId of accepted sends. */
    distinctOutIds: () => new Set(sends.map((s) => s.outId)).size,
    /** The next answers will be these errors (after the signature check passes). */
    failNext(code: string, message = code, status = 200) {
      queued.push({ code, message, status });
    },
  };
}
export type FakeAliyunSms = Awaited<ReturnType<typeof startFakeAliyunSms>>;
