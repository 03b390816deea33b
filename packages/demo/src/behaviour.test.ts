import { describe, expect, it } from "vitest";
import { generateDemoMessages, type DemoMessage } from "./behaviour";
import { generateDemoBrand } from "./brand";
import { createRng } from "./rng";
import { DEMO_TOUCH_CHANNELS, DEMO_TOUCH_EVENTS, demoCampaignAt } from "./touches";

const brand = generateDemoBrand({ seed: 11, memberCount: 1_500 });
const messages = [...generateDemoMessages(brand, createRng(11))];
const named = (event: string) => messages.filter((m) => m.event === event);

describe("the demo behaviour's surveys and referrals", () => {
  it("sends NPS surveys with whole scores 0–10, promoters outnumbering detractors", () => {
    const scores = named("Survey Submitted").map((m) => m.properties!.score as number);
    expect(scores.length).toBeGreaterThan(50);
    for (const s of scores) expect(Number.isInteger(s) && s >= 0 && s <= 10).toBe(true);
    const promoters = scores.filter((s) => s >= 9).length;
    const detractors = scores.filter((s) => s <= 6).length;
    expect(detractors).toBeGreaterThan(0);
    expect(promoters).toBeGreaterThan(detractors);
  });

  it("has sociable members invite friends, some of whom join", () => {
    const invites = named("Referral Invite Sent").length;
    const joined = named("Referral Completed").length;
    expect(joined).toBeGreaterThan(0);
    expect(joined).toBeLessThan(invites);
  });

  it("numbers them apart, so the rest of a member's events keep their ids, and sends none after the window", () => {
    const end = Date.parse(brand.window.endsAt);
    const serials = new Map<string, number[]>();
    for (const m of messages) {
      const [, key, n] = m.messageId.split(":") as [string, string, string];
      const voice = m.event === "Survey Submitted" || m.event === "Referral Invite Sent" || m.event === "Referral Completed";
      const touch = TOUCH_EVENTS.has(m.event ?? "");
      const browsing = n.startsWith("b");
      expect(n.startsWith("v")).toBe(voice);
      expect(n.startsWith("t")).toBe(touch);
      if (browsing) expect(m.event).toBe("Product Viewed");
      if (voice || touch || browsing) expect(Date.parse(m.timestamp)).toBeLessThan(end);
      if (!voice && !touch && !browsing) serials.set(key, [...(serials.get(key) ?? []), Number(n)]);
    }
    for (const ns of serials.values()) expect(ns).toEqual(ns.map((_, i) => i + 1));
  });
});

describe("the demo behaviour's browsing", () => {
  it("has members view products between visits without adding any to a cart", () => {
    const browsing = messages.filter((m) => m.messageId.split(":")[2]!.startsWith("b"));
    expect(browsing.length).toBeGreaterThan(0.2 * named("Product Added").length);
    expect(named("Product Viewed").length).toBeGreaterThan(named("Product Added").length * 1.6);
  });
});

const TOUCH_EVENTS: ReadonlySet<string> = new Set(Object.values(DEMO_TOUCH_EVENTS));

describe("the demo behaviour's marketing touches", () => {
  const touches = messages.filter((m) => TOUCH_EVENTS.has(m.event ?? ""));
  const at = (m: DemoMessage) => Date.parse(m.timestamp);

  it("reach members on every channel, with the channel in the context and the campaign of the month as the promotion and UTM properties", () => {
    expect(new Set(touches.map((m) => m.context!.channel))).toEqual(new Set(Object.keys(DEMO_TOUCH_CHANNELS)));
    for (const m of touches) {
      const channel = m.context!.channel as keyof typeof DEMO_TOUCH_CHANNELS;
      const { medium } = DEMO_TOUCH_CHANNELS[channel];
      // A click a few minutes into a new month keeps the campaign of the view it follows.
      const campaign = m.properties!.name as string;
      expect([demoCampaignAt(at(m)), demoCampaignAt(at(m) - 600_000)]).toContain(campaign);
      expect(m.properties).toEqual({ promotion_id: `${channel}:${campaign}`, name: campaign, creative: medium, utm_source: channel, utm_medium: medium, utm_campaign: campaign });
      // Not context.campaign: that tells how a member was acquired.
      expect(m.context!.campaign).toBeUndefined();
    }
    expect(demoCampaignAt(Date.parse("2026-11-05T02:00:00Z"))).toBe("双十一 Double 11");
    // Shanghai's November starts at 16:00 UTC on October 31.
    expect(demoCampaignAt(Date.parse("2026-10-31T17:00:00Z"))).toBe("双十一 Double 11");
  });

  it("are clicked after they are seen, some of them", () => {
    const viewed = touches.filter((m) => m.event === DEMO_TOUCH_EVENTS.viewed);
    const clicked = touches.filter((m) => m.event === DEMO_TOUCH_EVENTS.clicked);
    expect(clicked.length).toBeGreaterThan(0.2 * viewed.length);
    expect(clicked.length).toBeLessThan(viewed.length);
    // Each click follows its member's view of the same promotion, within ten minutes.
    const views = new Map<string, number[]>();
    for (const m of viewed) views.set(`${m.userId} ${m.properties!.promotion_id}`, [...(views.get(`${m.userId} ${m.properties!.promotion_id}`) ?? []), at(m)]);
    for (const m of clicked) expect((views.get(`${m.userId} ${m.properties!.promotion_id}`) ?? []).some((v) => v < at(m) && at(m) - v <= 600_000)).toBe(true);
  });

  it("come after the member joined, and the staff's messages bring visits more often than paid media", () => {
    const joined = new Map<string, number>();
    const orders = new Map<string, number[]>();
    for (const m of messages) {
      if (m.type === "identify" && m.userId && !joined.has(m.userId)) joined.set(m.userId, at(m));
      if (m.event === "Order Completed") orders.set(m.userId!, [...(orders.get(m.userId!) ?? []), at(m)]);
    }
    const converted = new Map<string, { touches: number; followed: number }>();
    for (const m of touches) {
      expect(at(m)).toBeGreaterThan(joined.get(m.userId!)!);
      const channel = m.context!.channel as string;
      const row = converted.get(channel) ?? { touches: 0, followed: 0 };
      row.touches += 1;
      if ((orders.get(m.userId!) ?? []).some((o) => o > at(m) && o - at(m) <= 7 * 86_400_000)) row.followed += 1;
      converted.set(channel, row);
    }
    const rate = (channel: string) => converted.get(channel)!.followed / converted.get(channel)!.touches;
    expect(rate("wecom")).toBeGreaterThan(rate("douyin"));
    expect(rate("wechat_miniprogram")).toBeGreaterThan(rate("wechat_moments"));
  });
});
