import { MESSAGE_STATUSES, SUPPRESSION_REASONS, type MessageDto, type TemplateDto } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { messagingEn as en } from "./locales/en";
import { messagingZhCN as zhCN } from "./locales/zh-CN";
import { EMPTY_BROADCAST_FORM, formToBroadcast, isoToWallTime, mapBroadcastIssues, wallTimeToIso } from "./broadcast-form";
import { STATUS_COLORS, canCancelBroadcast, messageQuery, messageSnippet, newIdempotencyKey, renderedFields, templatesForChannel } from "./message-view";

const JOURNEY = "0190a0a0-0000-7000-8000-0000000000aa";
const rendered = { subject: "", body: "", text: "", url: "", providerTemplate: "", params: {} };

describe("message log", () => {
  it("says every status and every suppression reason in words, in both languages", () => {
    for (const reason of SUPPRESSION_REASONS) {
      expect(en[`messaging.reason.${reason}`]).toBeTruthy();
      expect(zhCN[`messaging.reason.${reason}`]).toBeTruthy();
    }
    for (const status of MESSAGE_STATUSES) {
      expect(en[`messaging.status.${status}`]).toBeTruthy();
      expect(STATUS_COLORS[status]).toBeTruthy();
    }
  });

  it("builds the list query from the filters, leaving out blank and malformed ids", () => {
    expect(messageQuery({}, undefined)).toEqual({ limit: 50 });
    expect(messageQuery({ channel: "sms", status: "suppressed", journeyId: ` ${JOURNEY} `, profileId: "p1" }, "c2", 20)).toEqual({
      limit: 20,
      channel: "sms",
      status: "suppressed",
      journeyId: JOURNEY,
      profileId: "p1",
      cursor: "c2",
    });
    expect(messageQuery({ journeyId: "welcome" }, undefined)).toEqual({ limit: 50 });
  });

  it("shows the rendered fields of the message's channel, non-empty ones only", () => {
    const sms = { channel: "sms" as const, rendered: { ...rendered, subject: "ignored", body: "您好 张三", providerTemplate: "SMS_1", params: { name: "张三", code: "A1" } } };
    expect(renderedFields(sms)).toEqual([
      { field: "body", value: "您好 张三" },
      { field: "providerTemplate", value: "SMS_1" },
      { field: "params", value: "name = 张三\ncode = A1" },
    ]);
    const email: Pick<MessageDto, "channel" | "rendered"> = { channel: "email", rendered: { ...rendered, subject: "Your   coupon\nis here", body: "<p>x</p>" } };
    expect(messageSnippet(email)).toBe("Your coupon is here");
    expect(messageSnippet({ channel: "inbox", rendered: { ...rendered, subject: "x".repeat(100) } }, 10)).toBe(`${"x".repeat(9)}…`);
  });

  it("makes a new idempotency key per send", () => {
    let n = 0;
    const next = () => `id-${++n}`;
    expect(newIdempotencyKey(next)).toBe("console-test-id-1");
    expect(newIdempotencyKey(next)).not.toBe(newIdempotencyKey(next));
  });
});

describe("broadcasts", () => {
  const tpl = (id: string, name: string, channel: TemplateDto["channel"]) => ({ id, name, channel }) as TemplateDto;

  it("offers only the templates of the chosen channel, by name", () => {
    const templates = [tpl("1", "Zeta", "sms"), tpl("2", "Alpha", "sms"), tpl("3", "Mail", "email")];
    expect(templatesForChannel(templates, "sms").map((t) => t.name)).toEqual(["Alpha", "Zeta"]);
    expect(templatesForChannel(templates, "inbox")).toEqual([]);
    expect(templatesForChannel(templates, undefined)).toHaveLength(3);
  });

  it("sends the form as a BroadcastBody: empty start is now, empty repeat is once", () => {
    expect(formToBroadcast({ ...EMPTY_BROADCAST_FORM, name: " Spring sale ", segmentId: "s", templateId: "t" })).toEqual({
      name: "Spring sale",
      segmentId: "s",
      channel: "sms",
      templateId: "t",
      category: "general",
      startAt: null,
      repeatEveryDays: null,
      perMinute: 1000,
    });
    const body = formToBroadcast({ ...EMPTY_BROADCAST_FORM, startAt: "2026-12-01T02:00:00.000Z", repeatEveryDays: 7, perMinute: null });
    expect(body.startAt).toBe("2026-12-01T02:00:00.000Z");
    expect(body.repeatEveryDays).toBe(7);
    expect(Number.isNaN(body.perMinute)).toBe(true);
    expect(body.segmentId).toBe("");
  });

  it("puts server issues on the broadcast's fields", () => {
    expect(mapBroadcastIssues([{ path: "body.templateId", message: "template is on another channel" }, { path: "x", message: "?" }])).toEqual({
      fieldErrors: [{ name: "templateId", errors: ["template is on another channel"] }],
      otherMessages: ["x: ?"],
    });
  });

  it("can cancel a broadcast until it has sent", () => {
    expect(canCancelBroadcast("scheduled")).toBe(true);
    expect(canCancelBroadcast("sending")).toBe(true);
    expect(canCancelBroadcast("sent")).toBe(false);
    expect(canCancelBroadcast("cancelled")).toBe(false);
  });
});

describe("broadcast start in the workspace's time zone", () => {
  it("reads the picked wall-clock time in the workspace's zone, not the browser's", () => {
    const wall = { year: 2026, month: 12, day: 1, hour: 10, minute: 0 };
    expect(wallTimeToIso(wall, "Asia/Shanghai")).toBe("2026-12-01T02:00:00.000Z");
    expect(wallTimeToIso(wall, "UTC")).toBe("2026-12-01T10:00:00.000Z");
    // New York: UTC−5 in winter, UTC−4 in summer.
    expect(wallTimeToIso(wall, "America/New_York")).toBe("2026-12-01T15:00:00.000Z");
    expect(wallTimeToIso({ ...wall, month: 7 }, "America/New_York")).toBe("2026-07-01T14:00:00.000Z");
  });

  it("shows a saved start as the zone's wall-clock time, round-tripping", () => {
    expect(isoToWallTime("2026-12-01T02:00:00.000Z", "Asia/Shanghai")).toEqual({ year: 2026, month: 12, day: 1, hour: 10, minute: 0 });
    expect(isoToWallTime("2026-12-31T16:30:00.000Z", "Asia/Shanghai")).toEqual({ year: 2027, month: 1, day: 1, hour: 0, minute: 30 });
    for (const tz of ["Asia/Shanghai", "Europe/Paris", "America/New_York"]) {
      const iso = "2026-03-29T08:45:00.000Z";
      expect(wallTimeToIso(isoToWallTime(iso, tz), tz)).toBe(iso);
    }
  });
});
