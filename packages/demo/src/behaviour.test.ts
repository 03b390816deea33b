import { describe, expect, it } from "vitest";
import { generateDemoMessages } from "./behaviour";
import { generateDemoBrand } from "./brand";
import { createRng } from "./rng";

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
      expect(n.startsWith("v")).toBe(voice);
      if (voice) expect(Date.parse(m.timestamp)).toBeLessThan(end);
      if (!voice) serials.set(key, [...(serials.get(key) ?? []), Number(n)]);
    }
    for (const ns of serials.values()) expect(ns).toEqual(ns.map((_, i) => i + 1));
  });
});
