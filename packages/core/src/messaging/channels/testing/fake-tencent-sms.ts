import { createHash, createHmac } from "node:crypto";
import { type FakeAnswer, type FakeRequest, startFakeHttpServer } from "./fake-http-server";

export interface TencentSmsSendRecord {
  phoneNumber: string;
  smsSdkAppId: string;
  signName: string;
  templateId: string;
  templateParamSet: string[];
  sessionContext: string | null;
  serialNo: string;
}

export interface FakeTencentSmsOptions {
  secretId: string;
  secretKey: string;
  smsSdkAppId: string;
  signNames: string[];
  /** Approved template ids → how many positional parameters each takes. */
  templates: Record<string, number>;
  now?: () => number;
}

const sha256Hex = (data: string) => createHash("sha256").update(data).digest("hex");
const hmac = (key: Buffer | string, data: string) => createHmac("sha256", key).update(data).digest();

/**
 * Verifies a TC3-HMAC-SHA256 request from scratch, as Tencent Cloud documents it: the canonical
 * request is rebuilt from the headers the client says it signed (SignedHeaders), lowercased, and
 * the signature recomputed with the key derived from "TC3" + SecretKey, the credential date, the
 * service and "tc3_request". Returns the error code Tencent would answer, or null.
 */
export function verifyTc3(req: FakeRequest, secretId: string, secretKey: string, now: number): string | null {
  const auth = String(req.headers.authorization ?? "");
  const m = /^TC3-HMAC-SHA256 Credential=([^/]+)\/(\d{4}-\d{2}-\d{2})\/([a-z]+)\/tc3_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(auth);
  if (!m) return "AuthFailure.InvalidAuthorization";
  const [, id, date, service, signedHeaders, signature] = m as unknown as [string, string, string, string, string, string];
  if (id !== secretId) return "AuthFailure.SecretIdNotFound";
  const timestamp = Number(req.headers["x-tc-timestamp"]);
  if (!Number.isInteger(timestamp) || Math.abs(timestamp * 1000 - now) > 5 * 60_000) return "AuthFailure.SignatureExpire";
  if (new Date(timestamp * 1000).toISOString().slice(0, 10) !== date) return "AuthFailure.SignatureFailure";
  const names = signedHeaders.split(";");
  if (!names.includes("content-type") || !names.includes("host")) return "AuthFailure.SignatureFailure";
  const canonicalHeaders = names.map((n) => `${n}:${String(req.headers[n] ?? "").trim().toLowerCase()}\n`).join("");
  const canonicalRequest = [req.method, req.url.pathname, req.url.search.replace(/^\?/, ""), canonicalHeaders, signedHeaders, sha256Hex(req.body)].join("\n");
  const stringToSign = ["TC3-HMAC-SHA256", String(timestamp), `${date}/${service}/tc3_request`, sha256Hex(canonicalRequest)].join("\n");
  const key = hmac(hmac(hmac(`TC3${secretKey}`, date), service), "tc3_request");
  return createHmac("sha256", key).update(stringToSign).digest("hex") === signature ? null : "AuthFailure.SignatureFailure";
}

/**
 * A stand-in for Tencent Cloud SMS SendSms (2021-01-11): verifies the signature, checks app, sign,
 * template and number the way Tencent answers (request errors under Response.Error, per-number
 * outcomes in SendStatusSet), and records each accepted send.
 */
export async function startFakeTencentSms(options: FakeTencentSmsOptions) {
  const sends: TencentSmsSendRecord[] = [];
  const queued: { code: string; message: string; perNumber: boolean }[] = [];
  const now = options.now ?? Date.now;
  let requests = 0;
  const requestError = (code: string, message: string): FakeAnswer => ({ body: { Response: { Error: { Code: code, Message: message }, RequestId: `req-${requests}` } } });
  const numberStatus = (phone: string, code: string, message: string, serialNo = "", sessionContext = ""): FakeAnswer => ({
    body: { Response: { SendStatusSet: [{ SerialNo: serialNo, PhoneNumber: phone, Fee: code === "Ok" ? 1 : 0, SessionContext: sessionContext, Code: code, Message: message, IsoCode: "CN" }], RequestId: `req-${requests}` } },
  });

  const server = await startFakeHttpServer((req) => {
    requests++;
    const authError = verifyTc3(req, options.secretId, options.secretKey, now());
    if (authError) return requestError(authError, "The provided credentials could not be validated.");
    if (req.headers["x-tc-action"] !== "SendSms" || req.headers["x-tc-version"] !== "2021-01-11") return requestError("InvalidAction", "action or version");
    if (!req.headers["x-tc-region"]) return requestError("MissingParameter", "X-TC-Region");
    let body: { PhoneNumberSet?: string[]; SmsSdkAppId?: string; SignName?: string; TemplateId?: string; TemplateParamSet?: string[]; SessionContext?: string };
    try {
      body = JSON.parse(req.body) as typeof body;
    } catch {
      return requestError("InvalidParameter", "body is not JSON");
    }
    const next = queued.shift();
    const phone = body.PhoneNumberSet?.[0] ?? "";
    if (next && !next.perNumber) return requestError(next.code, next.message);
    if (body.SmsSdkAppId !== options.smsSdkAppId) return requestError("FailedOperation.SmsSdkAppIdNotExist", "SmsSdkAppId does not exist");
    if (!options.signNames.includes(body.SignName ?? "")) return requestError("FailedOperation.SignatureIncorrectOrUnapproved", "signature not approved");
    const params = options.templates[body.TemplateId ?? ""];
    if (params === undefined) return requestError("FailedOperation.TemplateIncorrectOrUnapproved", "template not approved");
    if ((body.TemplateParamSet ?? []).length !== params) return requestError("InvalidParameterValue.TemplateParameterFormatError", "template parameter count mismatch");
    if (next) return numberStatus(phone, next.code, next.message, "", body.SessionContext ?? "");
    if (!/^\+[1-9]\d{6,14}$/.test(phone) || (phone.startsWith("+86") && !/^\+861\d{10}$/.test(phone))) {
      return numberStatus(phone, "InvalidParameterValue.IncorrectPhoneNumber", "incorrect phone number", "", body.SessionContext ?? "");
    }
    const serialNo = `2433:${String(sends.length + 1).padStart(10, "0")}`;
    sends.push({ phoneNumber: phone, smsSdkAppId: body.SmsSdkAppId, signName: body.SignName!, templateId: body.TemplateId!, templateParamSet: body.TemplateParamSet ?? [], sessionContext: body.SessionContext ?? null, serialNo });
    return numberStatus(phone, "Ok", "send success", serialNo, body.SessionContext ?? "");
  });

  return {
    url: server.url,
    close: server.close,
    sends,
    requests: () => requests,
    /** The channel server's count for exactly-once tests: distinct SessionContext of accepted sends. */
    distinctSessionContexts: () => new Set(sends.map((s) => s.sessionContext)).size,
    /** Queue an error: a request-level one (Response.Error) or, with `perNumber`, a SendStatus code. */
    failNext(code: string, message = code, perNumber = false) {
      queued.push({ code, message, perNumber });
    },
  };
}
export type FakeTencentSms = Awaited<ReturnType<typeof startFakeTencentSms>>;
