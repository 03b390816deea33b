import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TemplateContent } from "@siyu/contracts";
import { fixedClock } from "../../shared/clock";
import type { Channel } from "@siyu/contracts";
import type { OutgoingMessage } from "./channel";
import { createWechatSubscribeChannel, createWechatTemplateChannel } from "./wechat.channel";
import { type FakeWechat, startFakeWechat } from "./testing/fake-wechat";

const clock = fixedClock("2026-11-29T02:00:00Z");

function wx(channel: Channel, id: string, openid: string, content: Partial<TemplateContent>): OutgoingMessage {
  return {
    id,
    workspaceId: "0193a000-0000-7000-8000-000000000001",
    profileId: "0193a000-0000-7000-8000-000000000002",
    channel,
    category: "service",
    address: openid,
    rendered: TemplateContent.parse(content),
    attempt: 1,
  };
}

const POINTS = { providerTemplate: "tpl-points", params: { thing1: "积分到账", number2: "120" }, url: "pages/points/index" };

describe("wechat_subscribe (mini-program subscribe message)", () => {
  let server: FakeWechat;
  let config: Record<string, string>;
  const channel = createWechatSubscribeChannel({ clock });

  beforeAll(async () => {
    server = await startFakeWechat({ appId: "wx-mini", appSecret: "mini-secret", templates: { "tpl-points": ["thing1", "number2"] }, now: () => clock.now().getTime() });
    config = { appId: "wx-mini", appSecret: "mini-secret", apiBase: server.url };
    server.addUser("o-mei");
    server.addUser("o-lei");
  });
  afterAll(() => server.close());

  it("sends touser, template_id, page and data as { key: { value } }, fetching the token once", async () => {
    server.grantSubscription("o-mei", "tpl-points", 2);
    expect(await channel.deliver(wx("wechat_subscribe", "m1", "o-mei", POINTS), config)).toEqual({ status: "delivered", providerId: "1000" });
    expect(server.sends[0]).toMatchObject({ kind: "subscribe", touser: "o-mei", templateId: "tpl-points", page: "pages/points/index", data: { thing1: { value: "积分到账" }, number2: { value: "120" } } });
    expect(await channel.deliver(wx("wechat_subscribe", "m2", "o-mei", POINTS), config)).toMatchObject({ status: "delivered" });
    expect(server.tokenRequests()).toBe(1);
  });

  it("takes the profile's `<appId>:<openid>` form, and refuses an OpenID of another app", async () => {
    server.grantSubscription("o-lei", "tpl-points");
    expect(await channel.deliver(wx("wechat_subscribe", "m1b", "wx-mini:o-lei", POINTS), config)).toMatchObject({ status: "delivered" });
    expect(server.sends.at(-1)!.touser).toBe("o-lei");
    expect(await channel.deliver(wx("wechat_subscribe", "m1c", "wx-other:o-lei", POINTS), config)).toMatchObject({ status: "failed", error: expect.stringContaining("OpenID for app wx-mini") });
  });

  it("43101 (no subscription left / refused) fails the message", async () => {
    expect(await channel.deliver(wx("wechat_subscribe", "m3", "o-mei", POINTS), config)).toEqual({ status: "failed", error: "wechat errcode 43101: user refuse to accept the msg" });
    expect(await channel.deliver(wx("wechat_subscribe", "m4", "o-lei", POINTS), config)).toMatchObject({ status: "failed", error: expect.stringContaining("43101") });
  });

  it("an expired (42001) or superseded (40001) token is refreshed and the send tried once more", async () => {
    server.grantSubscription("o-lei", "tpl-points", 2);
    const before = server.tokenRequests();
    server.expireTokens();
    expect(await channel.deliver(wx("wechat_subscribe", "m5", "o-lei", POINTS), config)).toMatchObject({ status: "delivered" });
    server.revokeTokens();
    expect(await channel.deliver(wx("wechat_subscribe", "m6", "o-lei", POINTS), config)).toMatchObject({ status: "delivered" });
    expect(server.tokenRequests()).toBe(before + 2);
  });

  it("the daily quota (45009) is retried at Beijing midnight; a busy system soon; bad data and unknown users fail", async () => {
    server.grantSubscription("o-lei", "tpl-points");
    server.failNext(45009, "reach max api daily quota limit");
    expect(await channel.deliver(wx("wechat_subscribe", "m7", "o-lei", POINTS), config)).toMatchObject({ status: "retry", retryAfterMs: 14 * 3_600_000 });
    server.failNext(-1, "system error");
    expect(await channel.deliver(wx("wechat_subscribe", "m7", "o-lei", POINTS), config)).toMatchObject({ status: "retry" });
    expect(await channel.deliver(wx("wechat_subscribe", "m8", "o-lei", { ...POINTS, params: { thing1: "x" } }), config)).toMatchObject({ status: "failed", error: expect.stringContaining("47003") });
    expect(await channel.deliver(wx("wechat_subscribe", "m9", "o-nobody", POINTS), config)).toMatchObject({ status: "failed", error: expect.stringContaining("40003") });
    expect(await channel.deliver(wx("wechat_subscribe", "m7", "o-lei", POINTS), config)).toMatchObject({ status: "delivered" });
  });

  it("a wrong app secret fails without a send; a message without a template id fails", async () => {
    const fresh = createWechatSubscribeChannel({ clock });
    expect(await fresh.deliver(wx("wechat_subscribe", "m10", "o-lei", POINTS), { ...config, appSecret: "wrong" })).toEqual({ status: "failed", error: "wechat token errcode 40125: invalid appsecret" });
    expect(await fresh.deliver(wx("wechat_subscribe", "m11", "o-lei", { body: "hi" }), config)).toMatchObject({ status: "failed", error: expect.stringContaining("providerTemplate") });
    expect(await fresh.deliver(wx("wechat_subscribe", "m11", "o-lei", POINTS), {})).toMatchObject({ status: "failed", error: expect.stringContaining("appId is required") });
  });
});

describe("wechat_template (official account template message)", () => {
  let server: FakeWechat;
  let config: Record<string, string>;
  const channel = createWechatTemplateChannel({ clock });
  const ORDER = { providerTemplate: "tpl-order", params: { first: "您的订单已发货", keyword1: "SY20261129001", remark: "感谢惠顾" }, url: "https://m.siyu.example/orders/1" };

  beforeAll(async () => {
    server = await startFakeWechat({ appId: "wx-oa", appSecret: "oa-secret", templates: { "tpl-order": ["first", "keyword1", "remark"] }, now: () => clock.now().getTime() });
    config = { appId: "wx-oa", appSecret: "oa-secret", apiBase: server.url };
    server.addUser("o-fan", { follower: true });
    server.addUser("o-left");
  });
  afterAll(() => server.close());

  it("sends url and data with the message id as client_msg_id; a retried delivery is not sent twice", async () => {
    const first = await channel.deliver(wx("wechat_template", "msg-1", "o-fan", ORDER), config);
    expect(first).toEqual({ status: "delivered", providerId: "1000" });
    expect(server.sends).toEqual([
      expect.objectContaining({ kind: "template", touser: "o-fan", url: "https://m.siyu.example/orders/1", clientMsgId: "msg-1", data: { first: { value: "您的订单已发货" }, keyword1: { value: "SY20261129001" }, remark: { value: "感谢惠顾" } } }),
    ]);
    expect(await channel.deliver(wx("wechat_template", "msg-1", "o-fan", ORDER), config)).toEqual(first);
    expect(server.sends).toHaveLength(1);
  });

  it("opens a mini-program page when miniprogramAppId is set", async () => {
    await channel.deliver(wx("wechat_template", "msg-2", "o-fan", { ...ORDER, url: "pages/order/detail?id=1" }), { ...config, miniprogramAppId: "wx-mini" });
    expect(server.sends.at(-1)).toMatchObject({ miniprogram: { appid: "wx-mini", pagepath: "pages/order/detail?id=1" } });
    expect(server.sends.at(-1)!.url).toBeUndefined();
  });

  it("a customer who no longer follows fails (43004); an unknown template fails (40037)", async () => {
    expect(await channel.deliver(wx("wechat_template", "msg-3", "o-left", ORDER), config)).toMatchObject({ status: "failed", error: expect.stringContaining("43004") });
    expect(await channel.deliver(wx("wechat_template", "msg-4", "o-fan", { ...ORDER, providerTemplate: "tpl-x" }), config)).toMatchObject({ status: "failed", error: expect.stringContaining("40037") });
  });

  it("a token refused twice in a row is retried later, not failed", async () => {
    server.revokeTokens();
    server.failNext(40001, "invalid credential");
    expect(await channel.deliver(wx("wechat_template", "msg-5", "o-fan", ORDER), config)).toMatchObject({ status: "retry", error: expect.stringContaining("refused twice") });
    expect(await channel.deliver(wx("wechat_template", "msg-5", "o-fan", ORDER), config)).toMatchObject({ status: "delivered" });
  });
});
