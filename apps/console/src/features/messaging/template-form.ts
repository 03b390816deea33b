import { LOCALES, type Channel, type ConsentPurpose, type Locale, type TemplateContent, type TemplateDto, type TemplateInput } from "@siyu/contracts";
import { parseIssuePath } from "../../lib/api";
import type { ValidationIssue } from "../../lib/api/field-errors";

/** The fields of one language's content, as TemplateContent names them. */
export type ContentField = "subject" | "body" | "text" | "url" | "providerTemplate" | "params";

/**
 * What each channel uses of a template (packages/contracts/src/messaging.ts): the editor shows only
 * these, and only these are saved, so switching channel never leaves stale hidden text behind.
 */
export const CHANNEL_FIELDS: Readonly<Record<Channel, readonly ContentField[]>> = {
  email: ["subject", "body", "text"],
  sms: ["body", "providerTemplate", "params"],
  wecom: ["body", "subject", "url"],
  wechat_subscribe: ["providerTemplate", "url", "params"],
  wechat_template: ["providerTemplate", "url", "params"],
  inbox: ["subject", "body", "url"],
  webhook: ["body"],
};

/** The label key of a field on a channel: the same `subject` is an e-mail subject, an inbox title, a WeCom link title. */
export type FieldLabel =
  | "subject"
  | "title"
  | "linkTitle"
  | "bodyHtml"
  | "body"
  | "jsonBody"
  | "text"
  | "url"
  | "linkUrl"
  | "pageUrl"
  | "providerTemplateCode"
  | "templateId"
  | "params"
  | "dataKeys";

export function fieldLabel(channel: Channel, field: ContentField): FieldLabel {
  switch (field) {
    case "subject":
      return channel === "inbox" ? "title" : channel === "wecom" ? "linkTitle" : "subject";
    case "body":
      return channel === "email" ? "bodyHtml" : channel === "webhook" ? "jsonBody" : "body";
    case "text":
      return "text";
    case "url":
      return channel === "wecom" ? "linkUrl" : channel === "wechat_subscribe" || channel === "wechat_template" ? "pageUrl" : "url";
    case "providerTemplate":
      return channel === "sms" ? "providerTemplateCode" : "templateId";
    case "params":
      return channel === "sms" ? "params" : "dataKeys";
  }
}

/** Fields written as several lines. */
export const MULTILINE_FIELDS: ReadonlySet<ContentField> = new Set(["body", "text"]);

/** The variables every template may use; `event.properties.*` stands for any property of the triggering event. */
export const TEMPLATE_VARIABLES = [
  "profile.name",
  "profile.phone",
  "coupon.code",
  "coupon.expiresAt",
  "event.properties.*",
  "store.name",
  "workspace.name",
  "unsubscribe_url",
] as const;
export type TemplateVariable = (typeof TEMPLATE_VARIABLES)[number];

/** How a variable is written into a template. */
export function liquidOf(variable: string): string {
  return `{{ ${variable.replace(/\.\*$/, ".product_name")} }}`;
}

export type ParamRow = { key: string; value: string };
export type ContentFormValues = { subject: string; body: string; text: string; url: string; providerTemplate: string; params: ParamRow[] };
export type TemplateFormValues = {
  name: string;
  channel: Channel;
  purpose: ConsentPurpose;
  defaultLocale: Locale;
  content: Record<Locale, ContentFormValues>;
};

export const EMPTY_CONTENT: ContentFormValues = { subject: "", body: "", text: "", url: "", providerTemplate: "", params: [] };

export function emptyTemplateForm(channel: Channel = "sms"): TemplateFormValues {
  return {
    name: "",
    channel,
    purpose: "marketing",
    defaultLocale: "zh-CN",
    content: { "zh-CN": { ...EMPTY_CONTENT, params: [] }, en: { ...EMPTY_CONTENT, params: [] } },
  };
}

function contentToForm(content: TemplateContent | undefined): ContentFormValues {
  if (!content) return { ...EMPTY_CONTENT, params: [] };
  return {
    subject: content.subject,
    body: content.body,
    text: content.text,
    url: content.url,
    providerTemplate: content.providerTemplate,
    params: Object.entries(content.params).map(([key, value]) => ({ key, value })),
  };
}

export function templateToForm(template: TemplateDto): TemplateFormValues {
  return {
    name: template.name,
    channel: template.channel,
    purpose: template.purpose,
    defaultLocale: template.defaultLocale,
    content: { "zh-CN": contentToForm(template.content["zh-CN"]), en: contentToForm(template.content.en) },
  };
}

/** Whether a language has anything the channel would send. */
export function hasContent(channel: Channel, content: ContentFormValues | undefined): boolean {
  if (!content) return false;
  return CHANNEL_FIELDS[channel].some((field) =>
    field === "params" ? (content.params ?? []).some((p) => (p?.key ?? "").trim() !== "") : (content[field] ?? "").trim() !== "",
  );
}

/** The languages that will be saved: those with content for the channel. */
export function filledLocales(values: TemplateFormValues): Locale[] {
  return LOCALES.filter((locale) => hasContent(values.channel, values.content[locale]));
}

function formToContent(channel: Channel, content: ContentFormValues): Partial<TemplateContent> {
  const out: Partial<TemplateContent> = {};
  for (const field of CHANNEL_FIELDS[channel]) {
    if (field === "params") {
      const params: Record<string, string> = {};
      for (const row of content.params ?? []) {
        const key = (row?.key ?? "").trim();
        if (key) params[key] = row.value ?? "";
      }
      out.params = params;
    } else {
      out[field] = content[field] ?? "";
    }
  }
  return out;
}

/**
 * The form as the API's TemplateBody: only the channel's fields, only languages with content. The
 * default language falls back to the first filled one, so a template written only in English is valid.
 */
export function formToTemplate(values: TemplateFormValues): TemplateInput {
  const locales = filledLocales(values);
  const content: TemplateInput["content"] = {};
  for (const locale of locales) content[locale] = formToContent(values.channel, values.content[locale]);
  const defaultLocale = locales.includes(values.defaultLocale) || locales.length === 0 ? values.defaultLocale : locales[0]!;
  return { name: (values.name ?? "").trim(), channel: values.channel, purpose: values.purpose, content, defaultLocale };
}

/** An antd field name: a top-level field or a path into `content`. */
export type FieldName = string | (string | number)[];
export type MappedIssues = { fieldErrors: { name: FieldName; errors: string[] }[]; otherMessages: string[]; locales: Locale[] };

const TOP_FIELDS = new Set(["name", "channel", "purpose", "defaultLocale"]);
const CONTENT_FIELDS = new Set<string>(["subject", "body", "text", "url", "providerTemplate", "params"]);

/**
 * Server validation issues next to the fields they name: `content.en.subject` on the English tab's
 * subject, `content.zh-CN.params.code` on the Chinese params list. `locales` lists the tabs holding
 * an error, so the editor can switch to one.
 */
export function mapTemplateIssues(issues: readonly ValidationIssue[]): MappedIssues {
  const byField = new Map<string, { name: FieldName; errors: string[] }>();
  const otherMessages: string[] = [];
  const locales = new Set<Locale>();
  const add = (name: FieldName, message: string) => {
    const key = JSON.stringify(name);
    const entry = byField.get(key) ?? { name, errors: [] };
    entry.errors.push(message);
    byField.set(key, entry);
  };
  for (const issue of issues) {
    const [first, locale, field] = parseIssuePath(issue.path);
    if (typeof first === "string" && TOP_FIELDS.has(first)) {
      add(first, issue.message);
    } else if (first === "content" && (locale === "en" || locale === "zh-CN") && typeof field === "string" && CONTENT_FIELDS.has(field)) {
      add(["content", locale, field], issue.message);
      locales.add(locale);
    } else {
      otherMessages.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
    }
  }
  return { fieldErrors: [...byField.values()], otherMessages, locales: [...locales] };
}

/** The names of the fields shown for a channel, for clearing server errors when the form changes. */
export function contentFieldNames(channel: Channel): FieldName[] {
  return LOCALES.flatMap((locale) => CHANNEL_FIELDS[channel].map((field) => ["content", locale, field]));
}

/**
 * The field paths an antd `onValuesChange` reports as changed: nested objects are followed, a list
 * (parameter rows) counts as one field. Used to clear a server error once its field is edited.
 */
export function changedPaths(changed: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (changed === null || typeof changed !== "object" || Array.isArray(changed)) return prefix.length > 0 ? [prefix] : [];
  return Object.entries(changed as Record<string, unknown>).flatMap(([key, value]) => changedPaths(value, [...prefix, key]));
}
