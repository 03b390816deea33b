import { describe, expect, it } from "vitest";
import { consentRows } from "./components/customer-consents-card";

const decision = (channel: string, purpose: "marketing" | "service", granted: boolean) => ({
  channel,
  purpose,
  granted,
  source: "operator" as const,
  updatedAt: "2026-11-01T00:00:00.000Z",
  updatedBy: "Ops",
});

describe("consentRows", () => {
  it("lists every channel Siyu sends on, then the brand's own, with each purpose's decision", () => {
    const rows = consentRows([decision("sms", "marketing", false), decision("sms", "service", true), decision("line", "marketing", true)]);
    expect(rows.map((r) => r.channel)).toEqual(["sms", "email", "wecom", "wechat_subscribe", "wechat_template", "app_push", "inbox", "line"]);
    expect(rows[0]).toMatchObject({ marketing: { granted: false }, service: { granted: true } });
    expect(rows[1]!.marketing).toBeUndefined();
  });
});
