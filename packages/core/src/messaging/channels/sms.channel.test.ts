import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TemplateContent } from "@siyu/contracts";
import { fixedClock } from "../../shared/clock";
import type { OutgoingMessage } from "./channel";
import { aliyunSignature, parseAliyunSmsReplies } from "./sms-aliyun";
import { createSmsChannel } from "./sms.channel";
import { createHash } from "node:crypto";
import { parseTencentSmsReplies, tc3CanonicalRequest, tencentTemplateParams } from "./sms-tencent";
import { type FakeAliyunSms, startFakeAliyunSms } from "./testing/fake-aliyun-sms";
import { type FakeTencentSms, startFakeTencentSms } from "./testing/fake-tencent-sms";

const clock = fixedClock("2026-11-29T02:00:00Z");
const now = () => clock.now().getTime();

function sms(id: string, address: string, content: Partial<TemplateContent>): OutgoingMessage {
  return {
    id,
    workspaceId: "0193a000-0000-7000-8000-000000000001",
    profileId: "0193a000-0000-7000-8000-000000000002",
    channel: "sms",
    category: "service",
    address,
    rendered: TemplateContent.parse(content),
    attempt: 1,
  };
}

describe("Aliyun signature", () => {
  it("matches the worked example in Aliyun's SMS documentation", () => {
    // The documented example (testId / testSecret, GET): its signature is zJDF+Lrzhj/ThnlvIToysFRq6t4=.
    const params = {
      AccessKeyId: "testId",
      Action: "SendSms",
      Format: "XML",
      OutId: "123",
      PhoneNumbers: "15300000001",
      RegionId: "cn-hangzhou",
      SignName: "阿里云短信测试专用",
      SignatureMethod: "HMAC-SHA1",
      SignatureNonce: "45e25e9b-0a6f-4070-8c85-2956eda1b466",
      SignatureVersion: "1.0",
      TemplateCode: "SMS_71390007",
      TemplateParam: '{"customer":"test"}',
      Timestamp: "2017-07-12T02:42:19Z",
      Version: "2017-05-25",
    };
    expect(aliyunSignature("GET", params, "testSecret")).toBe("zJDF+Lrzhj/ThnlvIToysFRq6t4=");
  });
});

describe("Tencent TC3 signature", () => {
  it("builds the canonical request of Tencent's documented example (its SHA-256 as the documentation shows)", () => {
    const payload = String.raw`{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}`;
    const canonical = tc3CanonicalRequest("cvm.tencentcloudapi.com", "DescribeInstances", payload);
    expect(createHash("sha256").update(payload).digest("hex")).toBe("35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064");
    expect(createHash("sha256").update(canonical).digest("hex")).toBe("7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84");
  });
});

describe("sms channel, Aliyun", () => {
  let server: FakeAliyunSms;
  let config: Record<string, string>;
  const channel = createSmsChannel({ clock });

  beforeAll(async () => {
    server = await startFakeAliyunSms({
      accessKeyId: "LTAI-test",
      accessKeySecret: "secret-aliyun",
      signNames: ["思域茶饮"],
      templates: { SMS_1001: ["name", "code"] },
      now,
    });
    config = { provider: "aliyun", accessKeyId: "LTAI-test", accessKeySecret: "secret-aliyun", signName: "思域茶饮", endpoint: server.url };
  });
  afterAll(() => server.close());

  it("sends the template with its params and the message id as OutId; the server verified the signature", async () => {
    const result = await channel.deliver(sms("msg-a1", "+8613800138000", { providerTemplate: "SMS_1001", params: { name: "小王", code: "A1B2" } }), config);
    expect(result).toEqual({ status: "delivered", providerId: "000001^0" });
    expect(server.sends).toEqual([
      { phoneNumbers: "13800138000", signName: "思域茶饮", templateCode: "SMS_1001", templateParam: { name: "小王", code: "A1B2" }, outId: "msg-a1", bizId: "000001^0" },
    ]);
    // A retried delivery of the same message carries the same OutId: the server counts one message.
    await channel.deliver(sms("msg-a1", "+8613800138000", { providerTemplate: "SMS_1001", params: { name: "小王", code: "A1B2" } }), config);
    expect(server.distinctOutIds()).toBe(1);
  });

  it("a wrong secret is a signature mismatch: failed, nothing sent", async () => {
    const before = server.sends.length;
    const result = await channel.deliver(sms("msg-a2", "+8613800138000", { providerTemplate: "SMS_1001", params: { name: "a", code: "b" } }), { ...config, accessKeySecret: "wrong" });
    expect(result).toMatchObject({ status: "failed", error: expect.stringContaining("SignatureDoesNotMatch") });
    expect(server.sends.length).toBe(before);
  });

  it("permanent errors fail: invalid number, unknown template, missing template variable", async () => {
    expect(await channel.deliver(sms("m3", "+86138001380", { providerTemplate: "SMS_1001", params: { name: "a", code: "b" } }), config)).toMatchObject({
      status: "failed",
      error: expect.stringContaining("isv.MOBILE_NUMBER_ILLEGAL"),
    });
    expect(await channel.deliver(sms("m4", "+8613800138000", { providerTemplate: "SMS_9", params: {} }), config)).toMatchObject({
      status: "failed",
      error: expect.stringContaining("isv.SMS_TEMPLATE_ILLEGAL"),
    });
    expect(await channel.deliver(sms("m5", "+8613800138000", { providerTemplate: "SMS_1001", params: { name: "a" } }), config)).toMatchObject({
      status: "failed",
      error: expect.stringContaining("isv.TEMPLATE_MISSING_PARAMETERS"),
    });
  });

  it("flow control is retried after the window it names; a system error is retried", async () => {
    const msg = sms("m6", "+8613800138000", { providerTemplate: "SMS_1001", params: { name: "a", code: "b" } });
    server.failNext("isv.BUSINESS_LIMIT_CONTROL", "触发分钟级流控Permits:1");
    expect(await channel.deliver(msg, config)).toMatchObject({ status: "retry", retryAfterMs: 60_000 });
    server.failNext("isv.BUSINESS_LIMIT_CONTROL", "触发小时级流控Permits:5");
    expect(await channel.deliver(msg, config)).toMatchObject({ status: "retry", retryAfterMs: 3_600_000 });
    server.failNext("isv.BUSINESS_LIMIT_CONTROL", "触发天级流控Permits:10");
    // 02:00 UTC is 10:00 in Beijing: 14 hours to the provider's midnight.
    expect(await channel.deliver(msg, config)).toMatchObject({ status: "retry", retryAfterMs: 14 * 3_600_000 });
    server.failNext("isp.SYSTEM_ERROR", "系统错误", 500);
    expect(await channel.deliver(msg, config)).toMatchObject({ status: "retry" });
  });

  it("an unreachable provider is retried; a bad config or a message without a template fails", async () => {
    expect(await channel.deliver(sms("m7", "+8613800138000", { providerTemplate: "SMS_1001" }), { ...config, endpoint: "http://127.0.0.1:1/" })).toMatchObject({ status: "retry" });
    expect(await channel.deliver(sms("m8", "+8613800138000", { providerTemplate: "SMS_1001" }), { provider: "aliyun", signName: "x" })).toEqual({
      status: "failed",
      error: expect.stringMatching(/accessKeyId is required.*accessKeySecret is required/),
    });
    expect(await channel.deliver(sms("m9", "+8613800138000", { body: "hi" }), config)).toMatchObject({ status: "failed", error: expect.stringContaining("providerTemplate") });
    expect(await channel.deliver(sms("m9", "+8613800138000", { providerTemplate: "x" }), { provider: "twilio" })).toMatchObject({ status: "failed", error: expect.stringContaining("provider") });
  });
});

describe("sms channel, Tencent Cloud", () => {
  let server: FakeTencentSms;
  let config: Record<string, string>;
  const channel = createSmsChannel({ clock });

  beforeAll(async () => {
    server = await startFakeTencentSms({ secretId: "AKID-test", secretKey: "secret-tencent", smsSdkAppId: "1400000001", signNames: ["思域茶饮"], templates: { "449739": 2 }, now });
    config = { provider: "tencent", secretId: "AKID-test", secretKey: "secret-tencent", smsSdkAppId: "1400000001", signName: "思域茶饮", endpoint: server.url };
  });
  afterAll(() => server.close());

  it("sends with ordered template params and the message id as SessionContext; the TC3 signature verified", async () => {
    const result = await channel.deliver(sms("msg-t1", "+8613800138000", { providerTemplate: "449739", params: { "2": "5", "1": "A1B2" } }), config);
    expect(result).toEqual({ status: "delivered", providerId: "2433:0000000001" });
    expect(server.sends[0]).toMatchObject({ phoneNumber: "+8613800138000", templateId: "449739", templateParamSet: ["A1B2", "5"], sessionContext: "msg-t1", signName: "思域茶饮" });
    expect(server.distinctSessionContexts()).toBe(1);
  });

  it("a wrong key fails the signature; a stale clock is retried", async () => {
    const msg = sms("msg-t2", "+8613800138000", { providerTemplate: "449739", params: { "1": "a", "2": "b" } });
    expect(await channel.deliver(msg, { ...config, secretKey: "nope" })).toMatchObject({ status: "failed", error: expect.stringContaining("AuthFailure.SignatureFailure") });
    const skewed = createSmsChannel({ clock: fixedClock(new Date(now() - 10 * 60_000)) });
    expect(await skewed.deliver(msg, config)).toMatchObject({ status: "retry", error: expect.stringContaining("AuthFailure.SignatureExpire") });
    expect(server.sends.length).toBe(1);
  });

  it("per-number limits and rate limits are retried; bad numbers and templates fail", async () => {
    const msg = sms("msg-t3", "+8613800138000", { providerTemplate: "449739", params: { "1": "a", "2": "b" } });
    server.failNext("LimitExceeded.PhoneNumberThirtySecondLimit", "30s", true);
    expect(await channel.deliver(msg, config)).toMatchObject({ status: "retry", retryAfterMs: 30_000 });
    server.failNext("LimitExceeded.PhoneNumberDailyLimit", "daily", true);
    expect(await channel.deliver(msg, config)).toMatchObject({ status: "retry", retryAfterMs: 14 * 3_600_000 });
    server.failNext("RequestLimitExceeded", "too many requests");
    expect(await channel.deliver(msg, config)).toMatchObject({ status: "retry" });
    server.failNext("InternalError.Timeout", "timeout");
    expect(await channel.deliver(msg, config)).toMatchObject({ status: "retry" });
    expect(await channel.deliver(sms("t4", "+861380013", { providerTemplate: "449739", params: { "1": "a", "2": "b" } }), config)).toMatchObject({
      status: "failed",
      error: expect.stringContaining("InvalidParameterValue.IncorrectPhoneNumber"),
    });
    expect(await channel.deliver(sms("t5", "+8613800138000", { providerTemplate: "1", params: {} }), config)).toMatchObject({
      status: "failed",
      error: expect.stringContaining("FailedOperation.TemplateIncorrectOrUnapproved"),
    });
    expect(server.sends.length).toBe(1);
  });

  it("orders positional params numerically, named ones after", () => {
    expect(tencentTemplateParams({ "10": "j", b: "B", "2": "two", "1": "one", a: "A" })).toEqual(["one", "two", "j", "B", "A"]);
  });
});

describe("sms reply callbacks", () => {
  it("parses Aliyun's SmsUp push into phone, content and the Beijing-time instant", () => {
    const replies = parseAliyunSmsReplies([
      { phone_number: "13800138000", send_time: "2026-11-29 10:15:00", content: " R ", sign_name: "【思域茶饮】", dest_code: "1234", sequence_id: 1234567890 },
      { phone_number: "85291234567", send_time: "2026-11-29 10:16:00", content: "退订" },
    ]);
    expect(replies).toEqual([
      { phone: "+8613800138000", content: "R", receivedAt: new Date("2026-11-29T02:15:00Z") },
      { phone: "+85291234567", content: "退订", receivedAt: new Date("2026-11-29T02:16:00Z") },
    ]);
    expect(() => parseAliyunSmsReplies([{ phone_number: "13800138000", content: "R" }])).toThrow(/send_time/);
  });

  it("parses Tencent's reply callback (one object or a list)", () => {
    expect(parseTencentSmsReplies({ extend: "", mobile: "13800138000", nationcode: "86", sign: "思域茶饮", text: "退订", time: 1764382500 })).toEqual([
      { phone: "+8613800138000", content: "退订", receivedAt: new Date(1764382500 * 1000) },
    ]);
    expect(parseTencentSmsReplies([{ mobile: "91234567", nationcode: "852", text: "TD", time: 1764382501 }])[0]!.phone).toBe("+85291234567");
    expect(() => parseTencentSmsReplies({ mobile: "13800138000", text: "R", time: 1 })).toThrow(/nationcode/);
  });
});
