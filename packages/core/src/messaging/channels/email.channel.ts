import { createTransport } from "nodemailer";
import { z } from "zod";
import { type Clock, systemClock } from "../../shared/clock";
import type { ChannelAdapter, DeliveryResult, OutgoingMessage } from "./channel";
import { parseChannelConfig } from "./provider-support";

const flag = z.enum(["true", "false"], { message: 'must be "true" or "false"' }).transform((v) => v === "true");

/** `config` of the email channel: an SMTP submission server. */
export const EmailChannelConfig = z
  .object({
    host: z.string({ message: "host is required" }).trim().min(1, { message: "host is required" }),
    /** Defaults to 465 with `secure`, else 587. */
    port: z.string().regex(/^\d{1,5}$/, { message: "must be a port number" }).transform(Number).optional(),
    /** "true": TLS from the first byte (port 465); "false": plain, upgraded with STARTTLS when the server offers it. */
    secure: flag.default(false),
    user: z.string().optional(),
    password: z.string().optional(),
    /** The sender, e.g. `思域茶饮 <news@brand.example>`. */
    from: z.string({ message: "from is required" }).trim().regex(/@[^@\s>]+>?$/, { message: "from must hold an email address" }),
    replyTo: z.string().optional(),
  })
  .refine((c) => Boolean(c.user) === Boolean(c.password), { message: "user and password go together", path: ["password"] });
export type EmailChannelConfig = z.infer<typeof EmailChannelConfig>;

export interface EmailChannelDeps {
  clock?: Clock;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/**
 * Email over SMTP (nodemailer): `rendered.subject`, `rendered.body` as the HTML part and
 * `rendered.text` as the plain part. The outbox id is the Message-ID's local part and the
 * X-Siyu-Message-Id header, so bounces and a retried delivery point back to the message.
 */
export function createEmailChannel(deps: EmailChannelDeps = {}): ChannelAdapter {
  const clock = deps.clock ?? systemClock;
  return {
    channel: "email",
    addressType: "email",
    async deliver(message: OutgoingMessage, rawConfig: Record<string, string>): Promise<DeliveryResult> {
      const parsed = parseChannelConfig("email", EmailChannelConfig, rawConfig);
      if (!parsed.ok) return parsed.result;
      const config = parsed.value;
      if (!EMAIL.test(message.address)) return { status: "failed", error: `invalid email address: ${message.address}` };
      const { subject, body, text } = message.rendered;
      if (!body.trim() && !text.trim()) return { status: "failed", error: "email has neither an HTML body nor a text part" };
      const domain = /@([^@\s>]+)>?$/.exec(config.from)![1];
      const transport = createTransport({
        host: config.host,
        port: config.port ?? (config.secure ? 465 : 587),
        secure: config.secure,
        ...(config.user ? { auth: { user: config.user, pass: config.password! } } : {}),
        connectionTimeout: 15_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      });
      try {
        const info = await transport.sendMail({
          from: config.from,
          to: message.address,
          ...(config.replyTo ? { replyTo: config.replyTo } : {}),
          subject,
          ...(body.trim() ? { html: body } : {}),
          ...(text.trim() ? { text } : {}),
          date: clock.now(),
          messageId: `<${message.id}@${domain}>`,
          headers: { "X-Siyu-Message-Id": message.id },
        });
        return { status: "delivered", providerId: info.messageId };
      } catch (error) {
        return smtpErrorResult(error as SmtpError);
      } finally {
        transport.close();
      }
    },
  };
}

/**
 * SMTP's reply codes decide: 5xx is permanent (unknown mailbox, rejected content, bad credentials),
 * 4xx transient (greylisting, mailbox full for now, rate limits). Without a reply (connection refused,
 * timeout, TLS) the server was not reached: retried.
 */
export function smtpErrorResult(error: SmtpError): DeliveryResult {
  const detail = (error.response ?? error.message ?? "").slice(0, 300);
  if (typeof error.responseCode === "number") {
    const text = `smtp ${error.responseCode}: ${detail}`;
    return error.responseCode >= 500 ? { status: "failed", error: text } : { status: "retry", error: text };
  }
  if (error.code === "EAUTH" || error.code === "EENVELOPE" || error.code === "EMESSAGE") return { status: "failed", error: `smtp ${error.code}: ${detail}` };
  return { status: "retry", error: `smtp ${error.code ?? "error"}: ${detail}` };
}
