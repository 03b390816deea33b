import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  MessageDto,
  MessageListQuery,
  MessagePageDto,
  MessageParams,
  MessagingCallbacksDto,
  MessagingSettings,
  SendMessageBody,
  SmsReplyCallbackParams,
  SuppressionEntryBody,
  SuppressionEntryDto,
  SuppressionListDto,
  SuppressionParams,
  TemplateBody,
  TemplateDto,
  TemplateListDto,
  TemplateParams,
  TemplatePreviewBody,
  TemplatePreviewDto,
  WorkspaceParams,
  ADMIN_KEY_PERMISSIONS,
  roleCan,
} from "@siyu/contracts";
import {
  ALIYUN_SMS_REPLY_ACK,
  AliyunSmsUpBody,
  TENCENT_SMS_REPLY_ACK,
  maskEmail,
  messagingErrors,
  maskPhone,
  parseAliyunSmsReplies,
  parseTencentSmsReplies,
  type CoreServices,
} from "@siyu/core";
import { httpErrors } from "../http.errors";
import { requireWorkspace } from "../route-config";

const tags = ["Messaging"];
const base = "/api/v1/workspaces/:workspaceId";
const read = { auth: "workspace", permission: "journeys.read" } as const;
const manage = { auth: "workspace", permission: "journeys.manage" } as const;

/** Addresses are personal data: phones and emails are masked without "customers.pii". */
function shownTo(req: FastifyRequest) {
  const pii = req.credentials?.kind === "api_key" ? ADMIN_KEY_PERMISSIONS.includes("customers.pii") : req.role !== null && roleCan(req.role, "customers.pii");
  return (m: MessageDto): MessageDto => {
    if (pii || m.address === null) return m;
    return { ...m, address: m.channel === "sms" ? maskPhone(m.address) : m.channel === "email" ? maskEmail(m.address) : m.address };
  };
}

/** Message templates, channel settings, the suppression list and the message log. */
export const messagingRoutes: FastifyPluginAsyncZod<{ services: CoreServices; publicUrl: () => string }> = async (app, { services, publicUrl }) => {
  const m = services.messaging;

  app.get(`${base}/message-templates`, { schema: { params: WorkspaceParams, response: { 200: TemplateListDto }, tags, summary: "Message templates" }, config: read }, async (req) => ({
    items: await m.templates.list(requireWorkspace(req)),
  }));
  app.post(
    `${base}/message-templates`,
    {
      schema: { params: WorkspaceParams, body: TemplateBody, response: { 201: TemplateDto }, tags, summary: "Create a template (Liquid; 400 messaging.invalid_template names the field)" },
      config: manage,
    },
    async (req, reply) => reply.code(201).send(await m.templates.create(requireWorkspace(req), req.body)),
  );
  app.get(`${base}/message-templates/:messageTemplateId`, { schema: { params: TemplateParams, response: { 200: TemplateDto }, tags, summary: "One template" }, config: read }, async (req) =>
    m.templates.get(requireWorkspace(req), req.params.messageTemplateId),
  );
  app.put(
    `${base}/message-templates/:messageTemplateId`,
    { schema: { params: TemplateParams, body: TemplateBody, response: { 200: TemplateDto }, tags, summary: "Replace a template" }, config: manage },
    async (req) => m.templates.update(requireWorkspace(req), req.params.messageTemplateId, req.body),
  );
  app.delete(`${base}/message-templates/:messageTemplateId`, { schema: { params: TemplateParams, response: { 204: z.null() }, tags, summary: "Delete a template" }, config: manage }, async (req, reply) => {
    await m.templates.remove(requireWorkspace(req), req.params.messageTemplateId);
    return reply.code(204).send(null);
  });
  app.post(
    `${base}/message-templates/:messageTemplateId/preview`,
    {
      schema: {
        params: TemplateParams,
        body: TemplatePreviewBody,
        response: { 200: TemplatePreviewDto },
        tags,
        summary: "Render a template for a customer (or the most recent one) without sending; lists the variables that had no value",
      },
      config: { ...read, audited: false },
    },
    async (req) => m.templates.preview(requireWorkspace(req), req.params.messageTemplateId, req.body),
  );

  app.get(
    `${base}/messaging/settings`,
    { schema: { params: WorkspaceParams, response: { 200: MessagingSettings }, tags, summary: "Channels, caps, quiet hours, unsubscribe wording, dry run (credentials masked)" }, config: read },
    async (req) => m.settings(requireWorkspace(req)),
  );
  app.put(
    `${base}/messaging/settings`,
    {
      schema: { params: WorkspaceParams, body: MessagingSettings, response: { 200: MessagingSettings }, tags, summary: "Replace the messaging settings (a credential sent back masked keeps its stored value)" },
      config: manage,
    },
    async (req) => m.replaceSettings(requireWorkspace(req), req.body),
  );

  app.get(
    `${base}/messaging/callbacks`,
    {
      schema: { params: WorkspaceParams, response: { 200: MessagingCallbacksDto }, tags, summary: "The provider callback URLs to paste into the SMS consoles (they carry a secret token)" },
      config: { ...manage, audited: false },
    },
    async (req) => {
      const token = await m.smsReplyCallbackToken(requireWorkspace(req));
      const root = publicUrl().replace(/\/+$/, "");
      return { smsReplies: { aliyun: `${root}/api/v1/callbacks/sms/aliyun/${token}`, tencent: `${root}/api/v1/callbacks/sms/tencent/${token}` } };
    },
  );

  app.get(`${base}/messaging/suppressions`, { schema: { params: WorkspaceParams, response: { 200: SuppressionListDto }, tags, summary: "The suppression list" }, config: read }, async (req) => ({
    items: await m.suppressions.list(requireWorkspace(req)),
  }));
  app.post(
    `${base}/messaging/suppressions`,
    { schema: { params: WorkspaceParams, body: SuppressionEntryBody, response: { 201: SuppressionEntryDto }, tags, summary: "Never send to an address (on one channel or all)" }, config: manage },
    async (req, reply) => reply.code(201).send(await m.suppressions.add(requireWorkspace(req), req.body)),
  );
  app.delete(
    `${base}/messaging/suppressions/:suppressionId`,
    { schema: { params: SuppressionParams, response: { 204: z.null() }, tags, summary: "Remove a suppression entry" }, config: manage },
    async (req, reply) => {
      await m.suppressions.remove(requireWorkspace(req), req.params.suppressionId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${base}/messages`,
    { schema: { params: WorkspaceParams, querystring: MessageListQuery, response: { 200: MessagePageDto }, tags, summary: "The message log, newest first" }, config: read },
    async (req) => {
      const page = await m.messages.list(requireWorkspace(req), req.query);
      return { ...page, items: page.items.map(shownTo(req)) };
    },
  );
  app.get(`${base}/messages/:messageId`, { schema: { params: MessageParams, response: { 200: MessageDto }, tags, summary: "One message with its status and reason" }, config: read }, async (req) =>
    shownTo(req)(await m.messages.get(requireWorkspace(req), req.params.messageId)),
  );
  app.post(
    `${base}/messages`,
    {
      schema: {
        params: WorkspaceParams,
        body: SendMessageBody,
        response: { 202: MessageDto },
        tags,
        summary: "Queue a template for one customer (judged and sent by the dispatcher; a replayed idempotencyKey answers the same message)",
      },
      config: manage,
    },
    async (req, reply) => reply.code(202).send(shownTo(req)(await m.messages.send(requireWorkspace(req), req.body))),
  );
};

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

/** The public unsubscribe link in messages: a signed token, no sign-in; withdraws marketing consent on the channel. */
export const unsubscribeRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(
    "/u/:token",
    {
      schema: { params: z.strictObject({ token: z.string().min(1).max(100) }), tags, summary: "Unsubscribe link (HTML page)", hide: true },
      config: { auth: "public", audited: false, rateLimit: { max: 30, timeWindow: "1 minute" } },
    },
    async (req, reply) => {
      const done = await services.messaging.unsubscribeByToken(req.params.token);
      const page = (title: string, text: string) =>
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head>` +
        `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;text-align:center"><h1 style="font-size:1.4rem">${title}</h1><p>${text}</p></body></html>`;
      reply.header("content-type", "text/html; charset=utf-8").header("cache-control", "no-store");
      if (!done) return reply.code(404).send(page("链接无效 · Link not valid", "这个退订链接无效或已失效。<br>This unsubscribe link is not valid."));
      const brand = escapeHtml(done.workspaceName);
      return reply.send(page("已退订 · Unsubscribed", `您将不再通过此渠道收到 ${brand} 的营销消息。<br>You will no longer receive marketing messages from ${brand} on this channel.`));
    },
  );
};

/**
 * The SMS providers' reply callbacks (上行短信): called by Aliyun / Tencent Cloud, not an operator, so
 * the workspace's callback token in the path is the credential (404 when it is not valid). A reply that is
 * one of the workspace's unsubscribe keywords withdraws the sender's SMS marketing consent; every
 * accepted push is answered with the provider's documented ACK, or the provider pushes it again.
 */
/** A ZodError of a body parsed by hand, as the 400 a schema failure gets (naming the field). */
function namingTheField<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof z.ZodError)) throw error;
    // A union's issue hides the branch's: take the branch the body had the right shape for.
    const issues = error.issues.flatMap((i) =>
      i.code === "invalid_union" ? (i.errors.find((branch) => !branch.some((b) => b.code === "invalid_type" && b.path.length === 0)) ?? i.errors[0] ?? [i]).map((b) => ({ ...b, path: [...i.path, ...b.path] })) : [i],
    );
    const details = issues.map((i) => ({ path: ["body", ...i.path.map(String)].join("."), message: i.message }));
    throw httpErrors.error("request.invalid", `${details[0]!.path}: ${details[0]!.message}`, details);
  }
}

export const smsReplyCallbackRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  const config = { auth: "public", audited: false, rateLimit: { max: 600, timeWindow: "1 minute" } } as const;
  const notFound = () => messagingErrors.error("messaging.callback_not_found", "No SMS reply callback at this address.");
  app.post(
    "/api/v1/callbacks/sms/aliyun/:callbackToken",
    {
      schema: {
        params: SmsReplyCallbackParams,
        body: AliyunSmsUpBody,
        response: { 200: z.object({ code: z.literal(0), msg: z.string() }) },
        tags,
        summary: "Aliyun SmsUp push (inbound SMS replies); an unsubscribe keyword withdraws SMS marketing consent",
      },
      config,
    },
    async (req) => {
      const done = await services.messaging.receiveSmsReplies(req.params.callbackToken, parseAliyunSmsReplies(req.body));
      if (!done) throw notFound();
      return ALIYUN_SMS_REPLY_ACK;
    },
  );
  app.post(
    "/api/v1/callbacks/sms/tencent/:callbackToken",
    {
      schema: {
        params: SmsReplyCallbackParams,
        // One reply object (or a list): the union's own error would not name the field, so the handler parses it.
        body: z.union([z.looseObject({}), z.array(z.looseObject({}))]).meta({ description: "TencentSmsReplyBody: one reply or a list" }),
        response: { 200: z.object({ result: z.literal(0), errmsg: z.string() }) },
        tags,
        summary: "Tencent Cloud SMS reply callback (回复短信回调); an unsubscribe keyword withdraws SMS marketing consent",
      },
      config,
    },
    async (req) => {
      const done = await services.messaging.receiveSmsReplies(req.params.callbackToken, namingTheField(() => parseTencentSmsReplies(req.body)));
      if (!done) throw notFound();
      return TENCENT_SMS_REPLY_ACK;
    },
  );
};
