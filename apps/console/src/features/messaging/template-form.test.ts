import { CHANNELS, TemplateBody, type TemplateDto } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import {
  CHANNEL_FIELDS,
  changedPaths,
  emptyTemplateForm,
  fieldLabel,
  filledLocales,
  formToTemplate,
  liquidOf,
  mapTemplateIssues,
  templateToForm,
  type TemplateFormValues,
} from "./template-form";

const content = (over: Partial<TemplateDto["content"]["en"] & object> = {}) => ({ subject: "", body: "", text: "", url: "", providerTemplate: "", params: {}, ...over });

function dto(over: Partial<TemplateDto>): TemplateDto {
  return {
    id: "0190a0a0-0000-7000-8000-000000000001",
    name: "Welcome",
    channel: "sms",
    purpose: "marketing",
    content: { "zh-CN": content({ body: "您好 {{ profile.name }}", providerTemplate: "SMS_1", params: { name: "{{ profile.name }}" } }) },
    defaultLocale: "zh-CN",
    variables: ["profile.name"],
    createdAt: "2026-01-01T00:00:00.000Z",
    updatedAt: "2026-01-01T00:00:00.000Z",
    ...over,
  };
}

describe("which fields a channel shows", () => {
  it("follows the contract: e-mail subject/body/text, SMS body/code/params, WeChat id/page/params, inbox title/body/url, webhook JSON", () => {
    expect(CHANNEL_FIELDS.email).toEqual(["subject", "body", "text"]);
    expect(CHANNEL_FIELDS.sms).toEqual(["body", "providerTemplate", "params"]);
    expect(CHANNEL_FIELDS.wecom).toEqual(["body", "subject", "url"]);
    expect(CHANNEL_FIELDS.wechat_subscribe).toEqual(["providerTemplate", "url", "params"]);
    expect(CHANNEL_FIELDS.wechat_template).toEqual(CHANNEL_FIELDS.wechat_subscribe);
    expect(CHANNEL_FIELDS.inbox).toEqual(["subject", "body", "url"]);
    expect(CHANNEL_FIELDS.webhook).toEqual(["body"]);
  });

  it("labels the same field by what it is on each channel", () => {
    expect(fieldLabel("email", "subject")).toBe("subject");
    expect(fieldLabel("inbox", "subject")).toBe("title");
    expect(fieldLabel("wecom", "subject")).toBe("linkTitle");
    expect(fieldLabel("email", "body")).toBe("bodyHtml");
    expect(fieldLabel("webhook", "body")).toBe("jsonBody");
    expect(fieldLabel("sms", "providerTemplate")).toBe("providerTemplateCode");
    expect(fieldLabel("wechat_template", "providerTemplate")).toBe("templateId");
    expect(fieldLabel("wechat_subscribe", "url")).toBe("pageUrl");
    expect(fieldLabel("wechat_subscribe", "params")).toBe("dataKeys");
  });

  it("writes a variable as Liquid, with a sample name for event properties", () => {
    expect(liquidOf("profile.name")).toBe("{{ profile.name }}");
    expect(liquidOf("event.properties.*")).toBe("{{ event.properties.product_name }}");
  });
});

describe("template form ↔ TemplateBody", () => {
  it("round-trips a saved template on every channel", () => {
    for (const channel of CHANNELS) {
      const filled: Record<string, string | Record<string, string>> = {};
      for (const field of CHANNEL_FIELDS[channel]) filled[field] = field === "params" ? { first: "{{ profile.name }}" } : `${field} {{ store.name }}`;
      const template = dto({ channel, content: { en: content(filled), "zh-CN": content(filled) }, defaultLocale: "en" });
      const body = TemplateBody.parse(formToTemplate(templateToForm(template)));
      expect(body).toEqual(TemplateBody.parse({ name: template.name, channel, purpose: template.purpose, content: template.content, defaultLocale: "en" }));
    }
  });

  it("saves only the channel's fields: text typed for another channel is dropped", () => {
    const form: TemplateFormValues = emptyTemplateForm("inbox");
    form.name = "  Points reminder ";
    form.content.en = { subject: "Hi", body: "You have points", text: "plain", url: "/points", providerTemplate: "SMS_9", params: [{ key: "a", value: "b" }] };
    expect(formToTemplate(form)).toEqual({
      name: "Points reminder",
      channel: "inbox",
      purpose: "marketing",
      content: { en: { subject: "Hi", body: "You have points", url: "/points" } },
      defaultLocale: "en",
    });
  });

  it("keeps only languages with content and falls back to a filled default language", () => {
    const form = emptyTemplateForm("sms");
    expect(filledLocales(form)).toEqual([]);
    form.content.en.body = "Hello";
    expect(filledLocales(form)).toEqual(["en"]);
    const body = formToTemplate(form);
    expect(Object.keys(body.content)).toEqual(["en"]);
    expect(body.defaultLocale).toBe("en");
    // A language whose only text is in a field the channel does not use counts as empty.
    form.content["zh-CN"].subject = "主题";
    expect(filledLocales(form)).toEqual(["en"]);
  });

  it("turns parameter rows into a record, dropping rows without a key", () => {
    const form = emptyTemplateForm("sms");
    form.content["zh-CN"] = { ...form.content["zh-CN"], providerTemplate: "SMS_1", params: [{ key: " code ", value: "{{ coupon.code }}" }, { key: "", value: "lost" }] };
    expect(formToTemplate(form).content["zh-CN"]?.params).toEqual({ code: "{{ coupon.code }}" });
  });
});

describe("server errors on template fields", () => {
  it("puts content issues on the language tab's field and the rest on top-level fields", () => {
    const mapped = mapTemplateIssues([
      { path: "body.content.en.subject", message: "Liquid syntax error" },
      { path: "/content/zh-CN/params/code", message: "too long" },
      { path: "name", message: "required" },
      { path: "content", message: "must hold at least one language" },
    ]);
    expect(mapped.fieldErrors).toEqual([
      { name: ["content", "en", "subject"], errors: ["Liquid syntax error"] },
      { name: ["content", "zh-CN", "params"], errors: ["too long"] },
      { name: "name", errors: ["required"] },
    ]);
    expect(mapped.locales).toEqual(["en", "zh-CN"]);
    expect(mapped.otherMessages).toEqual(["content: must hold at least one language"]);
  });
});

describe("changed fields", () => {
  it("names the edited leaf, and a parameter list as a whole", () => {
    expect(changedPaths({ name: "x" })).toEqual([["name"]]);
    expect(changedPaths({ content: { en: { subject: "Hi" } } })).toEqual([["content", "en", "subject"]]);
    expect(changedPaths({ content: { "zh-CN": { params: [{ key: "a" }] } } })).toEqual([["content", "zh-CN", "params"]]);
    expect(changedPaths({ channels: { sms: { config: { provider: "tencent" } } } })).toEqual([["channels", "sms", "config", "provider"]]);
  });
});
