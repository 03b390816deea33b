import type { BroadcastDto, MessagePageDto, MessagingSettings, TemplateDto, TemplateListDto } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { useConsoleHarness } from "./support/harness";

// The dispatcher runs in the harness server's worker: a queued message is delivered within a poll or two.
const harness = useConsoleHarness({ name: "messaging", demo: false, poll: { timeoutMs: 30_000, intervalMs: 300 } });

const SMS_TEMPLATE = "Spring tea (console)";

describe("messaging in Chromium", () => {
  it("writes an SMS template in two languages and previews it, keeps channel settings, sends a test inbox message and creates a broadcast", async () => {
    const { page, byTestId, screenshot, api, until, pageErrors, login, ingestKey } = harness();
    const { ws, workspaceId } = await login();

    // A customer with a name, and a segment she is in.
    const key = await ingestKey("e2e messaging");
    await key.send([
      { type: "identify", messageId: "m-1", userId: "member-msg-1", traits: { name: "王芳", phone: "13800138061" } },
      { type: "track", messageId: "m-2", userId: "member-msg-1", event: "Order Completed", properties: { order_id: "M-1", total: 32 } },
    ]);
    const [customer] = await until(
      "the customer",
      () => api.get<{ items: { id: string }[] }>(`${ws}/customers?q=member-msg-1`).then((r) => r.items),
      (items) => items.length === 1,
    );
    const segment = await api.post<{ id: string }>(`${ws}/segments`, { name: "Tea buyers", rule: { type: "trait", trait: "order_count", op: "gte", value: 1 } });
    expect(segment.id).toBeTruthy();

    // 1. An SMS template with zh-CN and en content, previewed for the customer.
    await page.goto(`/w/${workspaceId}/journeys/templates`);
    await byTestId("template-new").click();
    await byTestId("template-name").fill(SMS_TEMPLATE);
    await byTestId("template-channel").click();
    await page.locator(".ant-select-item-option", { hasText: /^SMS$/ }).click();
    await byTestId("template-field-zh-CN-body").fill("{{ profile.name }}，春茶上新，到店第二杯半价");
    await byTestId("template-field-zh-CN-providerTemplate").fill("SMS_152550005");
    await byTestId("template-tab-en").click();
    await byTestId("template-field-en-body").fill("{{ profile.name }}, spring tea is here: the second cup is half price");
    await byTestId("template-field-en-providerTemplate").fill("SMS_152550006");
    await byTestId("template-save").click();
    const found = await until(
      "the template saved",
      () => api.get<TemplateListDto>(`${ws}/message-templates`).then((r) => r.items.find((t) => t.name === SMS_TEMPLATE)),
      (t) => t !== undefined,
    );
    const saved = found as TemplateDto;
    expect(saved.channel).toBe("sms");
    expect(Object.keys(saved.content).sort()).toEqual(["en", "zh-CN"]);
    expect(saved.variables).toEqual(["profile.name"]);
    const picker = byTestId("template-preview-customer");
    await picker.click();
    await picker.locator("input").fill("王芳");
    await page.locator(".ant-select-item-option", { hasText: "王芳" }).click();
    // The preview follows the language being edited (English, the tab last written in) …
    await byTestId("template-preview").click();
    await byTestId("template-preview-body").getByText("王芳, spring tea is here: the second cup is half price").waitFor();
    // … and renders the Chinese content for the same customer.
    await byTestId("template-preview-locale").click();
    await page.locator(".ant-select-item-option", { hasText: "Chinese (zh-CN)" }).click();
    await byTestId("template-preview").click();
    await byTestId("template-preview-body").getByText("王芳，春茶上新，到店第二杯半价").waitFor();
    expect(await byTestId("template-preview-result").innerText()).toContain("Every variable had a value.");
    await screenshot("01-template-preview");
    await byTestId("template-close").click();
    await byTestId(`template-row-${saved.id}`).waitFor();
    await screenshot("02-templates");

    // 2. Channels: the inbox on, quiet hours 22:00–08:00, an SMS provider with a secret; all kept after a reload.
    await page.goto(`/w/${workspaceId}/journeys/channels`);
    await byTestId("channel-enabled-inbox").click();
    const quietStart = byTestId("messaging-quiet-start");
    await quietStart.click();
    await quietStart.fill("22:00");
    await quietStart.press("Enter");
    const quietEnd = byTestId("messaging-quiet-end");
    await quietEnd.click();
    await quietEnd.fill("08:00");
    await quietEnd.press("Enter");
    await byTestId("channel-config-sms-accessKeyId").fill("LTAI5tExample");
    await byTestId("channel-config-sms-accessKeySecret").fill("a-very-secret-key");
    await byTestId("channel-config-sms-signName").fill("思域茶饮");
    await byTestId("messaging-settings-save").click();
    const settings = await until(
      "the settings saved",
      () => api.get<MessagingSettings>(`${ws}/messaging/settings`),
      (s) => s.channels.inbox?.enabled === true && s.quietHours.start === "22:00",
    );
    expect(settings.quietHours).toEqual({ enabled: true, start: "22:00", end: "08:00" });
    expect(settings.channels.sms?.config.accessKeySecret).toBe("********");
    await page.reload();
    await expect.poll(() => byTestId("channel-enabled-inbox").getAttribute("aria-checked")).toBe("true");
    expect(await quietStart.inputValue()).toBe("22:00");
    expect(await quietEnd.inputValue()).toBe("08:00");
    expect(await byTestId("channel-config-sms-signName").inputValue()).toBe("思域茶饮");
    // The secret never comes back into the page: its input is blank, the hint says it is set.
    const secret = byTestId("channel-config-sms-accessKeySecret");
    expect(await secret.inputValue()).toBe("");
    expect(await secret.getAttribute("placeholder")).toBe("••••••");
    expect(await byTestId("channel-config-sms-accessKeyId").inputValue()).toBe("");
    // Both credentials (the access key id and its secret) say they are set.
    await expect.poll(() => byTestId("channel-card-sms").getByText("Set. Leave blank to keep it.").count()).toBe(2);
    expect(await page.content()).not.toContain("a-very-secret-key");
    // The reply callback URL to paste into the provider's console.
    expect(await byTestId("channel-sms-reply-callback").innerText()).toMatch(/\/api\/v1\/callbacks\/sms\/aliyun\/[\w-]{22}\.[\w-]{22}$/);
    await screenshot("03-channels");

    // 3. A test inbox message to the customer from the messages page: delivered, in the log.
    const inbox = await api.post<TemplateDto>(`${ws}/message-templates`, {
      name: "Order ready (inbox)",
      channel: "inbox",
      purpose: "service",
      content: { "zh-CN": { subject: "取餐提醒", body: "{{ profile.name }}，您的茶好了" } },
    });
    await page.goto(`/w/${workspaceId}/journeys/messages`);
    const sendCustomer = byTestId("send-test-customer");
    await sendCustomer.click();
    await sendCustomer.locator("input").fill("王芳");
    await page.locator(".ant-select-item-option", { hasText: "王芳" }).click();
    await byTestId("send-test-template").click();
    await page.locator(".ant-select-item-option", { hasText: "Order ready (inbox)" }).click();
    await byTestId("send-test-submit").click();
    const delivered = await until(
      "the test message delivered",
      () => api.get<MessagePageDto>(`${ws}/messages?profileId=${customer!.id}`).then((r) => r.items.find((m) => m.templateId === inbox.id)),
      (m) => m?.status === "delivered",
    );
    expect(delivered!.channel).toBe("inbox");
    await page.reload();
    await byTestId(`message-status-${delivered!.id}`).getByText("Delivered").waitFor();
    expect(await byTestId(`message-row-${delivered!.id}`).innerText()).toContain("取餐提醒");
    await screenshot("04-messages");

    // 4. A broadcast of the SMS template to the segment, listed.
    await page.goto(`/w/${workspaceId}/journeys/broadcasts`);
    await byTestId("broadcast-new").click();
    await byTestId("broadcast-name").fill("Spring launch");
    await byTestId("broadcast-segment").click();
    await page.locator(".ant-select-item-option", { hasText: "Tea buyers" }).click();
    await byTestId("broadcast-template").click();
    await page.locator(".ant-select-item-option", { hasText: SMS_TEMPLATE }).click();
    await byTestId("broadcast-save").click();
    const broadcast = await until(
      "the broadcast",
      () => api.get<{ items: BroadcastDto[] }>(`${ws}/broadcasts`).then((r) => r.items.find((b) => b.name === "Spring launch")),
      (b) => b !== undefined,
    );
    expect(broadcast).toMatchObject({ segmentId: segment.id, templateId: saved.id, channel: "sms" });
    const row = byTestId(`broadcast-row-${broadcast!.id}`);
    await row.getByText("Spring launch").waitFor();
    expect(await row.innerText()).toContain("Tea buyers");
    expect(await row.innerText()).toContain(SMS_TEMPLATE);
    await screenshot("05-broadcasts");

    expect(pageErrors).toEqual([]);
  });
});
