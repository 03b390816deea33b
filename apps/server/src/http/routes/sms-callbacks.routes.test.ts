import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConsentListDto, MessagingCallbacksDto } from "@siyu/contracts";
import { ALIYUN_SMS_REPLY_ACK, TENCENT_SMS_REPLY_ACK } from "@siyu/core";
import { addOperator, buildTestApp, createApiKey, createWorkspace, type TestApp, type TestWorkspace } from "../../testing/test-app";

/** The providers' reply callbacks: a reply "R" / "退订" withdraws the sender's SMS marketing consent. */
let t: TestApp;
let ws: TestWorkspace;
let other: TestWorkspace;
let ingest: { authorization: string };
let serial = 0;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Callback brand");
  other = await createWorkspace(t, "Other brand");
  ingest = await createApiKey(t, ws, "ingest");
});
afterAll(() => t.close());

async function callbackUrls(w: TestWorkspace = ws) {
  const res = await t.app.inject({ method: "GET", url: `/api/v1/workspaces/${w.workspaceId}/messaging/callbacks`, headers: { cookie: w.ownerCookie } });
  expect(res.statusCode, res.body).toBe(200);
  const urls = res.json<MessagingCallbacksDto>().smsReplies;
  return { aliyun: new URL(urls.aliyun).pathname, tencent: new URL(urls.tencent).pathname };
}

/** A customer with SMS marketing consent granted; returns its profile id. */
async function subscriber(phone: string) {
  serial += 1;
  const userId = `cb-${serial}`;
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/batch",
    headers: { authorization: ingest.authorization },
    payload: { batch: [{ type: "identify", messageId: `cb-${serial}`, userId, traits: { name: "李雷", phone } }] },
  });
  expect(res.statusCode, res.body).toBe(200);
  while ((await t.services.projectNextBatch()) > 0);
  const [found] = await t.services.identity.profilesOfIdentifiers(ws.workspaceId, [{ type: "user_id", value: userId }]);
  const profileId = (found as { profileId: string }).profileId;
  const granted = await t.app.inject({
    method: "PUT",
    url: `/api/v1/workspaces/${ws.workspaceId}/customers/${profileId}/consents`,
    headers: { cookie: ws.ownerCookie },
    payload: { consents: [{ channel: "sms", purpose: "marketing", granted: true }] },
  });
  expect(granted.statusCode, granted.body).toBe(200);
  return profileId;
}

async function smsMarketing(profileId: string) {
  const res = await t.app.inject({ method: "GET", url: `/api/v1/workspaces/${ws.workspaceId}/customers/${profileId}/consents`, headers: { cookie: ws.ownerCookie } });
  return res.json<ConsentListDto>().items.find((c) => c.channel === "sms" && c.purpose === "marketing");
}

const aliyunPush = (phone: string, content: string) => [{ phone_number: phone, send_time: "2026-11-29 20:15:00", content, sign_name: "思域茶饮", dest_code: "1234", sequence_id: 1 }];
const tencentPush = (mobile: string, text: string) => ({ extend: "", mobile, nationcode: "86", sign: "思域茶饮", text, time: 1764418500 });

describe("SMS reply callbacks", () => {
  it("shows the callback URLs to managers only, with the public URL and a token per workspace", async () => {
    const mine = await callbackUrls();
    expect(mine.aliyun).toMatch(/^\/api\/v1\/callbacks\/sms\/aliyun\/[\w-]{22}\.[\w-]{22}$/);
    expect(mine.tencent.split("/").at(-1)).toBe(mine.aliyun.split("/").at(-1));
    expect((await callbackUrls()).aliyun).toBe(mine.aliyun); // stable: the operator pastes it once
    expect((await callbackUrls(other)).aliyun).not.toBe(mine.aliyun);
    const analyst = await addOperator(t, ws, "analyst");
    const res = await t.app.inject({ method: "GET", url: `/api/v1/workspaces/${ws.workspaceId}/messaging/callbacks`, headers: { cookie: analyst.cookie } });
    expect(res.statusCode).toBe(403);
  });

  it("an Aliyun SmsUp reply 'R' unsubscribes the sender and is answered with Aliyun's ACK", async () => {
    const profileId = await subscriber("13800138101");
    const { aliyun } = await callbackUrls();
    const res = await t.app.inject({ method: "POST", url: aliyun, payload: aliyunPush("13800138101", " r ") });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(ALIYUN_SMS_REPLY_ACK);
    expect(await smsMarketing(profileId)).toMatchObject({ granted: false, source: "member" });
  });

  it("a Tencent reply '退订' unsubscribes the sender and is answered with Tencent's ACK", async () => {
    const profileId = await subscriber("13800138102");
    const { tencent } = await callbackUrls();
    const res = await t.app.inject({ method: "POST", url: tencent, payload: tencentPush("13800138102", "退订") });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual(TENCENT_SMS_REPLY_ACK);
    expect(await smsMarketing(profileId)).toMatchObject({ granted: false });
  });

  it("an ordinary reply is acknowledged and changes nothing", async () => {
    const profileId = await subscriber("13800138103");
    const { aliyun, tencent } = await callbackUrls();
    expect((await t.app.inject({ method: "POST", url: aliyun, payload: aliyunPush("+8613800138103", "好的，谢谢") })).statusCode).toBe(200);
    expect((await t.app.inject({ method: "POST", url: tencent, payload: tencentPush("13800138103", "R 明天再说") })).statusCode).toBe(200);
    expect(await smsMarketing(profileId)).toMatchObject({ granted: true });
  });

  it("404 for a token that is not a workspace's: forged, malformed, or another provider's route shape", async () => {
    const profileId = await subscriber("13800138104");
    const { aliyun } = await callbackUrls();
    const token = aliyun.split("/").at(-1)!;
    const forged = `${token.split(".")[0]}.${"A".repeat(22)}`;
    const unknownWorkspace = `${Buffer.alloc(16, 7).toString("base64url")}.${token.split(".")[1]}`;
    for (const bad of [forged, unknownWorkspace, "x".repeat(40), "a.b"]) {
      const res = await t.app.inject({ method: "POST", url: `/api/v1/callbacks/sms/aliyun/${bad}`, payload: aliyunPush("13800138104", "R") });
      expect(res.statusCode, `${bad} → ${res.body}`).toBe(404);
      expect(res.json().error.code).toBe("messaging.callback_not_found");
    }
    const tencent = await t.app.inject({ method: "POST", url: `/api/v1/callbacks/sms/tencent/${forged}`, payload: tencentPush("13800138104", "R") });
    expect(tencent.statusCode).toBe(404);
    expect(await smsMarketing(profileId)).toMatchObject({ granted: true });
  });

  it("400 naming the field for a malformed push", async () => {
    const { aliyun, tencent } = await callbackUrls();
    const a = await t.app.inject({ method: "POST", url: aliyun, payload: [{ phone_number: "13800138105", content: "R" }] });
    expect(a.statusCode).toBe(400);
    expect(a.json().error.message).toMatch(/send_time/);
    const b = await t.app.inject({ method: "POST", url: tencent, payload: { mobile: "13800138105", text: "R", time: 1764418500 } });
    expect(b.statusCode).toBe(400);
    expect(JSON.stringify(b.json().error)).toMatch(/nationcode/);
  });
});
