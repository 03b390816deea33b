import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TemplateContent } from "@siyu/contracts";
import { fixedClock } from "../../shared/clock";
import type { OutgoingMessage } from "./channel";
import { createEmailChannel } from "./email.channel";
import { type SmtpReceiver, startSmtpReceiver } from "./testing/smtp-receiver";

const clock = fixedClock("2026-11-29T02:00:00Z");

function email(id: string, address: string, content: Partial<TemplateContent>): OutgoingMessage {
  return {
    id,
    workspaceId: "0193a000-0000-7000-8000-000000000001",
    profileId: "0193a000-0000-7000-8000-000000000002",
    channel: "email",
    category: "targeted",
    address,
    rendered: TemplateContent.parse(content),
    attempt: 1,
  };
}

describe("email channel over SMTP", () => {
  let smtp: SmtpReceiver;
  let config: Record<string, string>;
  const channel = createEmailChannel({ clock });

  beforeAll(async () => {
    smtp = await startSmtpReceiver({
      user: "mailer",
      password: "s3cret",
      refuse: { "gone@example.com": [550, "5.1.1 mailbox unavailable"], "full@example.com": [452, "4.2.2 mailbox full, try later"] },
    });
    config = { host: smtp.host, port: String(smtp.port), secure: "false", user: "mailer", password: "s3cret", from: "思域茶饮 <news@siyu.example>" };
  });
  afterAll(() => smtp.close());

  it("delivers subject, HTML and text parts with the message id in Message-ID and X-Siyu-Message-Id", async () => {
    const result = await channel.deliver(
      email("0193b1c2-0000-7000-8000-00000000000a", "mei@example.com", { subject: "会员日 · 双倍积分", body: "<p>你好 <b>小美</b></p>", text: "你好 小美" }),
      config,
    );
    expect(result).toEqual({ status: "delivered", providerId: "<0193b1c2-0000-7000-8000-00000000000a@siyu.example>" });
    expect(smtp.received).toHaveLength(1);
    const { mail, envelopeTo } = smtp.received[0]!;
    expect(envelopeTo).toEqual(["mei@example.com"]);
    expect(mail.subject).toBe("会员日 · 双倍积分");
    expect(mail.html).toContain("<b>小美</b>");
    expect(mail.text?.trim()).toBe("你好 小美");
    expect(mail.from?.value[0]).toMatchObject({ address: "news@siyu.example", name: "思域茶饮" });
    expect(mail.messageId).toBe("<0193b1c2-0000-7000-8000-00000000000a@siyu.example>");
    expect(mail.headers.get("x-siyu-message-id")).toBe("0193b1c2-0000-7000-8000-00000000000a");
    expect(mail.date?.toISOString()).toBe("2026-11-29T02:00:00.000Z");
  });

  it("a 5xx refusal fails the message; a 4xx is retried", async () => {
    const gone = await channel.deliver(email("m2", "gone@example.com", { subject: "s", body: "<p>b</p>" }), config);
    expect(gone).toMatchObject({ status: "failed", error: expect.stringMatching(/^smtp 550: .*mailbox unavailable/) });
    const full = await channel.deliver(email("m3", "full@example.com", { subject: "s", body: "<p>b</p>" }), config);
    expect(full).toMatchObject({ status: "retry", error: expect.stringMatching(/^smtp 452: .*mailbox full/) });
    expect(smtp.received).toHaveLength(1);
  });

  it("wrong credentials fail (535); an unreachable server is retried", async () => {
    expect(await channel.deliver(email("m4", "mei@example.com", { subject: "s", text: "t" }), { ...config, password: "nope" })).toMatchObject({
      status: "failed",
      error: expect.stringContaining("smtp 535"),
    });
    expect(await channel.deliver(email("m5", "mei@example.com", { subject: "s", text: "t" }), { ...config, port: "1" })).toMatchObject({ status: "retry" });
    expect(smtp.received).toHaveLength(1);
  });

  it("a text-only message arrives as plain text", async () => {
    expect(await channel.deliver(email("m6", "lei@example.com", { subject: "Points expire soon", text: "120 points expire on 31 Dec." }), config)).toMatchObject({ status: "delivered" });
    const last = smtp.received.at(-1)!.mail;
    expect(last.text?.trim()).toBe("120 points expire on 31 Dec.");
    expect(last.html).toBe(false);
  });

  it("bad config, a bad address or an empty message fail without a connection", async () => {
    expect(await channel.deliver(email("m7", "mei@example.com", { text: "t" }), { port: "x", user: "u" })).toEqual({
      status: "failed",
      error: expect.stringMatching(/host: host is required.*port: must be a port number.*from: from is required/),
    });
    expect(await channel.deliver(email("m7", "mei@example.com", { text: "t" }), { ...config, password: "" })).toEqual({
      status: "failed",
      error: "email config invalid (password: user and password go together)",
    });
    expect(await channel.deliver(email("m8", "not-an-address", { text: "t" }), config)).toMatchObject({ status: "failed", error: expect.stringContaining("invalid email address") });
    expect(await channel.deliver(email("m9", "mei@example.com", { subject: "only a subject" }), config)).toMatchObject({ status: "failed" });
  });
});
