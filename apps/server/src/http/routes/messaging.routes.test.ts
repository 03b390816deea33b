import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DashboardDto, MessageDto, MessagePageDto, MessagingSettings, TemplateDto, TemplatePreviewDto } from "@siyu/contracts";
import { createChannelRegistry, runDispatchBatch, systemClock } from "@siyu/core";
import { addOperator, buildTestApp, createApiKey, createWorkspace, type TestApp, type TestWorkspace } from "../../testing/test-app";

let t: TestApp;
let ws: TestWorkspace;
let ingest: { authorization: string; secret: string };
let serial = 0;

beforeAll(async () => {
  t = await buildTestApp();
  ws = await createWorkspace(t, "Messaging brand");
  ingest = await createApiKey(t, ws, "ingest");
});
afterAll(() => t.close());

const url = (path: string) => `/api/v1/workspaces/${ws.workspaceId}${path}`;
const call = (method: "GET" | "POST" | "PUT" | "DELETE", path: string, payload?: unknown, cookie = ws.ownerCookie) =>
  t.app.inject({ method, url: url(path), headers: { cookie }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

function expectError(res: { statusCode: number; body: string }, status: number, code: string) {
  expect(res.statusCode, res.body).toBe(status);
  const error = (JSON.parse(res.body) as { error: { code: string; message: string; details?: unknown } }).error;
  expect(error.code, res.body).toBe(code);
  return error;
}

async function customer(traits: Record<string, unknown>) {
  serial += 1;
  const userId = `msg-${serial}`;
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/batch",
    headers: { authorization: ingest.authorization },
    payload: { batch: [{ type: "identify", messageId: `msg-${serial}`, userId, traits }] },
  });
  expect(res.statusCode, res.body).toBe(200);
  while ((await t.services.projectNextBatch()) > 0);
  const [found] = await t.services.identity.profilesOfIdentifiers(ws.workspaceId, [{ type: "user_id", value: userId }]);
  return { userId, profileId: (found as { profileId: string }).profileId };
}

const welcome = {
  name: "Welcome",
  channel: "inbox",
  purpose: "service",
  content: {
    "zh-CN": { subject: "欢迎 {{ profile.name }}", body: "送您一张券：{{ coupon.code }}，{{ event.properties.product_name }}" },
    en: { subject: "Welcome {{ profile.name }}", body: "A coupon for you: {{ coupon.code }}" },
  },
};

describe("message templates", () => {
  it("create, read, list, replace and delete a template; its variables are found by parsing", async () => {
    const created = await call("POST", "/message-templates", welcome);
    expect(created.statusCode, created.body).toBe(201);
    const template = created.json<TemplateDto>();
    expect(template.variables).toEqual(["coupon.code", "event.properties.product_name", "profile.name"]);
    expect(template.defaultLocale).toBe("zh-CN");
    expect((await call("GET", `/message-templates/${template.id}`)).json<TemplateDto>().name).toBe("Welcome");
    expect((await call("GET", "/message-templates")).json<{ items: TemplateDto[] }>().items.map((i) => i.id)).toContain(template.id);
    const replaced = await call("PUT", `/message-templates/${template.id}`, { ...welcome, name: "Welcome v2", content: { en: { body: "Hi {{ profile.tier }}" } }, defaultLocale: "en" });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(replaced.json<TemplateDto>().variables).toEqual(["profile.tier"]);
    expect((await call("DELETE", `/message-templates/${template.id}`)).statusCode).toBe(204);
    expectError(await call("GET", `/message-templates/${template.id}`), 404, "messaging.template_not_found");
  });

  it("refuse bad Liquid with 400 naming the field, an unknown template with 404, a default language without content with 400", async () => {
    const bad = expectError(await call("POST", "/message-templates", { ...welcome, content: { "zh-CN": { body: "你好 {{ profile.name " } } }), 400, "messaging.invalid_template");
    expect(bad.details).toMatchObject({ field: "content.zh-CN.body" });
    expect(bad.message).toMatch(/^content\.zh-CN\.body: /);
    const badTag = expectError(await call("POST", "/message-templates", { ...welcome, content: { en: { subject: "{% if x %}open" } }, defaultLocale: "en" }), 400, "messaging.invalid_template");
    expect(badTag.details).toMatchObject({ field: "content.en.subject" });
    // Partials would read the server's files.
    const include = expectError(await call("POST", "/message-templates", { ...welcome, content: { "zh-CN": { body: "{% include package.json %}" } } }), 400, "messaging.invalid_template");
    expect(include.details).toMatchObject({ field: "content.zh-CN.body" });
    expect(include.message).toMatch(/not available/);
    expectError(await call("PUT", "/message-templates/0190a000-0000-7000-8000-000000000001", welcome), 404, "messaging.template_not_found");
    expectError(await call("POST", "/message-templates/0190a000-0000-7000-8000-000000000001/preview", {}), 404, "messaging.template_not_found");
    const noDefault = expectError(await call("POST", "/message-templates", { ...welcome, content: { en: { body: "hi" } } }), 400, "messaging.locale_missing");
    expect(noDefault.details).toMatchObject({ field: "defaultLocale" });
    const empty = expectError(await call("POST", "/message-templates", { ...welcome, content: {} }), 400, "request.invalid");
    expect(empty.message).toMatch(/content/);
    expectError(await call("POST", "/message-templates", { ...welcome, channel: "fax" }), 400, "request.invalid");
  });

  it("preview for a customer: their values, the request's variables, and what was missing; a language the template lacks is 400", async () => {
    const template = (await call("POST", "/message-templates", welcome)).json<TemplateDto>();
    const { profileId } = await customer({ name: "王芳" });
    const preview = await call("POST", `/message-templates/${template.id}/preview`, { profileId, variables: { coupon: { code: "TEA-8" } } });
    expect(preview.statusCode, preview.body).toBe(200);
    const dto = preview.json<TemplatePreviewDto>();
    expect(dto.locale).toBe("zh-CN");
    expect(dto.rendered.subject).toBe("欢迎 王芳");
    expect(dto.rendered.body).toBe("送您一张券：TEA-8，");
    expect(dto.missing).toEqual(["event.properties.product_name"]);
    const en = (await call("POST", `/message-templates/${template.id}/preview`, { profileId, locale: "en" })).json<TemplatePreviewDto>();
    expect(en.rendered.subject).toBe("Welcome 王芳");
    expect(en.missing).toEqual(["coupon.code", "event.properties.product_name"]);
    const onlyEn = (await call("POST", "/message-templates", { ...welcome, content: { en: { body: "hi" } }, defaultLocale: "en" })).json<TemplateDto>();
    expect(expectError(await call("POST", `/message-templates/${onlyEn.id}/preview`, { locale: "zh-CN" }), 400, "messaging.locale_missing").details).toMatchObject({ field: "locale" });
    expectError(await call("POST", `/message-templates/${template.id}/preview`, { profileId: "0190a000-0000-7000-8000-000000000009" }), 404, "messaging.profile_not_found");
  });

  it("an analyst reads templates but cannot change them", async () => {
    const analyst = await addOperator(t, ws, "analyst");
    expect((await call("GET", "/message-templates", undefined, analyst.cookie)).statusCode).toBe(200);
    expect((await call("POST", "/message-templates", welcome, analyst.cookie)).statusCode).toBe(403);
  });
});

describe("messaging settings", () => {
  it("defaults, a replace, credentials shown masked and kept when the mask is sent back", async () => {
    const defaults = (await call("GET", "/messaging/settings")).json<MessagingSettings>();
    expect(defaults).toMatchObject({ targetedPerDay: 1, generalPerDay: 1, quietHours: { enabled: true, start: "21:00", end: "09:00" }, dryRun: false, maxAttempts: 5 });
    const put = await call("PUT", "/messaging/settings", { channels: { webhook: { enabled: true, config: { secret: "whsec_c2VjcmV0", endpoint: "https://crm.example.com" } }, inbox: { enabled: true } } });
    expect(put.statusCode, put.body).toBe(200);
    const shown = put.json<MessagingSettings>();
    expect(shown.channels.webhook?.config).toEqual({ secret: "********", endpoint: "https://crm.example.com" });
    await call("PUT", "/messaging/settings", { ...shown, generalPerDay: 2 });
    const stored = await t.services.messaging.settings({ workspaceId: ws.workspaceId, actor: { type: "system", id: null, name: "t" }, storeIds: null, ip: null });
    expect(stored.generalPerDay).toBe(2);
    const { messagingSettingsStore } = await import("@siyu/core");
    expect((await messagingSettingsStore.load(t.database.db, ws.workspaceId)).channels.webhook?.config.secret).toBe("whsec_c2VjcmV0");
    expect(expectError(await call("PUT", "/messaging/settings", { quietHours: { enabled: true, start: "25:00", end: "09:00" } }), 400, "request.invalid").message).toMatch(/quietHours\.start/);
    expect(expectError(await call("PUT", "/messaging/settings", { quietHours: { enabled: true, start: "09:00", end: "09:00" } }), 400, "messaging.invalid_settings").details).toMatchObject({ field: "quietHours.end" });
  });
});

describe("suppressions, messages, the member inbox and unsubscribe links", () => {
  it("a suppression entry can be listed and removed", async () => {
    const added = await call("POST", "/messaging/suppressions", { channel: "email", address: "NoMail@Example.com" });
    expect(added.statusCode, added.body).toBe(201);
    const id = added.json<{ id: string; address: string }>().id;
    expect(added.json<{ address: string }>().address).toBe("nomail@example.com");
    expect((await call("GET", "/messaging/suppressions")).json<{ items: { id: string }[] }>().items.map((i) => i.id)).toContain(id);
    expect((await call("DELETE", `/messaging/suppressions/${id}`)).statusCode).toBe(204);
    expectError(await call("DELETE", `/messaging/suppressions/${id}`), 404, "messaging.suppression_not_found");
  });

  it("an API send is queued (202, idempotent), dispatched to the member's inbox, read by the member; its unsubscribe link withdraws consent", async () => {
    await call("PUT", "/messaging/settings", { channels: { inbox: { enabled: true } }, quietHours: { enabled: false } });
    const { userId, profileId } = await customer({ name: "李雷" });
    await t.services.consents.set(
      { workspaceId: ws.workspaceId, actor: { type: "system", id: null, name: "t" }, storeIds: null, ip: null },
      profileId,
      { consents: [{ channel: "inbox", purpose: "marketing", granted: true }] },
      "operator",
    );
    const template = (
      await call("POST", "/message-templates", { name: "Recall", channel: "inbox", content: { "zh-CN": { subject: "好久不见 {{ profile.name }}", body: "券码 {{ coupon.code }}", url: "{{ unsubscribe_url }}" } } })
    ).json<TemplateDto>();
    const body = { profileId, templateId: template.id, category: "general", idempotencyKey: "recall-1", variables: { coupon: { code: "BACK-5" } } };
    const sent = await call("POST", "/messages", body);
    expect(sent.statusCode, sent.body).toBe(202);
    const message = sent.json<MessageDto>();
    expect(message).toMatchObject({ status: "queued", channel: "inbox", category: "general", source: { kind: "api" } });
    expect((await call("POST", "/messages", body)).json<MessageDto>().id).toBe(message.id);
    expectError(await call("POST", "/messages", { ...body, templateId: "0190a000-0000-7000-8000-000000000001" }), 404, "messaging.template_not_found");

    // The dashboard counts it once a channel has taken it: the days around today hold the workspace's today.
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const sentNow = async () =>
      (await call("GET", `/analytics/dashboard?from=${day(-1)}&to=${day(1)}`)).json<DashboardDto>().metrics.find((m) => m.key === "messagesSent")!.value;
    const sentBefore = await sentNow();
    await runDispatchBatch(t.database.db, systemClock, createChannelRegistry({ db: t.database.db, clock: systemClock }), 100, { publicUrl: "http://siyu.test" });
    const after = (await call("GET", `/messages/${message.id}`)).json<MessageDto>();
    expect(after).toMatchObject({ status: "delivered", attempts: 1, rendered: { subject: "好久不见 李雷", body: "券码 BACK-5" } });
    expect(await sentNow()).toBe(sentBefore! + 1);
    expect((await call("GET", `/messages?profileId=${profileId}&status=delivered`)).json<MessagePageDto>().items.map((m) => m.id)).toEqual([message.id]);
    expectError(await call("GET", "/messages/0190a000-0000-7000-8000-000000000001"), 404, "messaging.message_not_found");

    const tokenRes = await call("POST", "/member-tokens", { identifier: { type: "user_id", value: userId } });
    expect(tokenRes.statusCode, tokenRes.body).toBe(201);
    const headers = { "x-siyu-ingest-key": ingest.secret, authorization: `Bearer ${tokenRes.json<{ token: string }>().token}` };
    const inbox = await t.app.inject({ method: "GET", url: "/member/v1/inbox", headers });
    expect(inbox.statusCode, inbox.body).toBe(200);
    const page = inbox.json<{ items: { id: string; title: string; url: string; readAt: string | null }[]; unread: number }>();
    expect(page.unread).toBe(1);
    expect(page.items[0]).toMatchObject({ title: "好久不见 李雷", readAt: null });
    const read = await t.app.inject({ method: "POST", url: "/member/v1/inbox-reads", headers, payload: { ids: [page.items[0]!.id, "0190a000-0000-7000-8000-000000000001"] } });
    expect(read.json()).toEqual({ marked: 1, unread: 0 });

    const link = page.items[0]!.url;
    expect(link).toMatch(/^http:\/\/siyu\.test\/u\//);
    const path = link.slice("http://siyu.test".length);
    const tampered = await t.app.inject({ method: "GET", url: `${path.slice(0, -2)}xx` });
    expect(tampered.statusCode).toBe(404);
    const page2 = await t.app.inject({ method: "GET", url: path });
    expect(page2.statusCode).toBe(200);
    expect(page2.headers["content-type"]).toMatch(/text\/html/);
    expect(page2.body).toContain("Messaging brand");
    const consents = await t.services.consents.list({ workspaceId: ws.workspaceId, actor: { type: "system", id: null, name: "t" }, storeIds: null, ip: null }, profileId);
    expect(consents.find((c) => c.channel === "inbox" && c.purpose === "marketing")).toMatchObject({ granted: false, source: "member" });
  });

  it("shows a message's phone masked to an analyst and in full to the owner", async () => {
    const { profileId } = await customer({ name: "韩梅梅", phone: "13800138099" });
    const template = (await call("POST", "/message-templates", { name: "SMS", channel: "sms", content: { "zh-CN": { body: "hi" } } })).json<TemplateDto>();
    const sent = (await call("POST", "/messages", { profileId, templateId: template.id, idempotencyKey: "sms-1" })).json<MessageDto>();
    await runDispatchBatch(t.database.db, systemClock, {}, 100);
    const owner = (await call("GET", `/messages/${sent.id}`)).json<MessageDto>();
    expect(owner).toMatchObject({ status: "suppressed", reason: "channel_disabled", address: "+8613800138099" });
    const analyst = await addOperator(t, ws, "analyst");
    expect((await call("GET", `/messages/${sent.id}`, undefined, analyst.cookie)).json<MessageDto>().address).toBe("+86138****8099");
  });
});
