import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JourneyDto, JourneyReportDto, JourneyRunListDto, MessageDto, MessagePageDto, PlaybookListDto, TemplateDto } from "@siyu/contracts";
import { fixedClock, instantiatePlaybook, loadEventsIntoWarehouse, refreshProfileSnapshot, type PlaybookPicks } from "@siyu/core";
import { sql } from "@siyu/storage/orm";
import { type FakeAliyunSms, startFakeAliyunSms } from "@siyu/core/testing";
import { buildTestApp, createApiKey, createWorkspace, type TestApp, type TestWorkspace } from "./testing/test-app";

/**
 * Every playbook end to end through the HTTP API: events in through /v1/batch, the real consumers,
 * trigger sources, timers and dispatcher driven step by step on an injected clock, and the SMS
 * reaching a local Aliyun SendSms stand-in exactly once, at the expected time, with the rendered text.
 */

// 2026-12-01 10:00 in Asia/Shanghai (the default zone).
const clock = fixedClock("2026-12-01T02:00:00Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const UNSUBSCRIBE = "拒收请回复R";
const SIGN = "思域茶饮";

let t: TestApp;
let sms: FakeAliyunSms;
/** When each accepted send reached the fake (the clock's time at the settle that delivered it). */
const arrivals: string[] = [];

beforeAll(async () => {
  sms = await startFakeAliyunSms({
    accessKeyId: "LTAI-e2e",
    accessKeySecret: "e2e-secret",
    signNames: [SIGN],
    templates: { SMS_PLAIN: ["name"], SMS_COUPON: ["name", "code"] },
    now: () => clock.now().getTime(),
  });
  t = await buildTestApp({}, { clock });
});
afterAll(async () => {
  await t?.close();
  await sms?.close();
});

/** Local wall time in Shanghai (UTC+8, no DST) as an instant. */
const local = (day: string, time: string) => new Date(`${day}T${time}:00+08:00`);
function setClock(at: Date) {
  if (at.getTime() < clock.now().getTime()) throw new Error(`the clock only moves forward (${clock.now().toISOString()} → ${at.toISOString()})`);
  clock.set(at);
}

/** Drains every consumer, trigger source, timer and the dispatcher until a full pass does nothing. */
async function settle() {
  const s = t.services;
  for (let pass = 0; pass < 100; pass++) {
    let work = 0;
    work += await s.projectNextBatch();
    work += await s.loyaltyNextBatch();
    work += await s.journeyTriggersNextBatch();
    work += await s.journeyTimersNextBatch();
    work += await s.journeyTriggers.segments();
    work += await s.journeyTriggers.tiers();
    work += await s.journeyTriggers.lifecycle();
    work += await s.journeyTriggers.dateTraits();
    work += await s.journeyTriggers.schedules();
    const before = sms.sends.length;
    work += (await s.messaging.dispatchNextBatch(200)).taken;
    for (let i = before; i < sms.sends.length; i++) arrivals.push(clock.now().toISOString());
    if (work === 0) return;
  }
  throw new Error("settle did not become idle");
}

/** Moves the clock to `at` (forward) and drains. */
async function at(when: Date) {
  setClock(when);
  await settle();
}

interface Brand {
  ws: TestWorkspace;
  ingest: string;
  call(method: "GET" | "POST" | "PUT" | "DELETE", path: string, payload?: unknown): Promise<{ statusCode: number; body: string; json<T>(): T }>;
  ok<T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, payload?: unknown): Promise<T>;
  templates: { plain: string; coupon: string };
  couponTemplateId: string;
}

let brandSerial = 0;
/** At `startAt` (sessions expire on the clock): a workspace with the SMS channel on the fake, an SMS template with and one without a coupon, and a coupon template. */
async function brand(startAt: Date): Promise<Brand> {
  setClock(startAt);
  brandSerial += 1;
  const ws = await createWorkspace(t, `Playbook brand ${brandSerial}`);
  const ingest = (await createApiKey(t, ws, "ingest")).authorization;
  const call: Brand["call"] = (method, path, payload) =>
    t.app.inject({ method, url: `/api/v1/workspaces/${ws.workspaceId}${path}`, headers: { cookie: ws.ownerCookie }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });
  const ok = async <T>(method: "GET" | "POST" | "PUT" | "DELETE", path: string, payload?: unknown) => {
    const res = await call(method, path, payload);
    expect(res.statusCode, `${method} ${path}: ${res.body}`).toBeLessThan(300);
    return res.json<T>();
  };
  await ok("PUT", "/messaging/settings", {
    channels: {
      sms: {
        enabled: true,
        config: { provider: "aliyun", accessKeyId: "LTAI-e2e", accessKeySecret: "e2e-secret", signName: SIGN, endpoint: sms.url },
      },
    },
  });
  const plain = await ok<TemplateDto>("POST", "/message-templates", {
    name: "Plain",
    channel: "sms",
    purpose: "marketing",
    content: { "zh-CN": { body: "{{ profile.name }}，您好！", providerTemplate: "SMS_PLAIN", params: { name: "{{ profile.name }}" } } },
  });
  const coupon = await ok<TemplateDto>("POST", "/message-templates", {
    name: "Coupon",
    channel: "sms",
    purpose: "marketing",
    content: { "zh-CN": { body: "{{ profile.name }}，送您优惠券 {{ coupon.code }}", providerTemplate: "SMS_COUPON", params: { name: "{{ profile.name }}", code: "{{ coupon.code }}" } } },
  });
  const couponTemplate = await ok<{ id: string }>("POST", "/coupon-templates", { name: "5 元券", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 7 }, perMemberLimit: null });
  return { ws, ingest, call, ok, templates: { plain: plain.id, coupon: coupon.id }, couponTemplateId: couponTemplate.id };
}

let phoneSerial = 0;
interface Customer {
  userId: string;
  phone: string;
  name: string;
  profileId: string;
}

async function ingest(b: Brand, batch: Record<string, unknown>[]) {
  const res = await t.app.inject({ method: "POST", url: "/v1/batch", headers: { authorization: b.ingest }, payload: { batch } });
  expect(res.statusCode, res.body).toBe(200);
}

/** A customer through the tracking API, with SMS marketing consent (unless `consent: false`). */
async function customer(b: Brand, name: string, options: { consent?: boolean; traits?: Record<string, unknown> } = {}): Promise<Customer> {
  phoneSerial += 1;
  const phone = `1380013${String(8000 + phoneSerial).padStart(4, "0")}`;
  const userId = `pb-${brandSerial}-${phoneSerial}`;
  await ingest(b, [{ type: "identify", messageId: `id-${userId}`, userId, timestamp: clock.now().toISOString(), traits: { name, phone, ...options.traits } }]);
  await settle();
  const [found] = await t.services.identity.profilesOfIdentifiers(b.ws.workspaceId, [{ type: "user_id", value: userId }]);
  const profileId = (found as { profileId: string }).profileId;
  if (options.consent !== false) await b.ok("PUT", `/customers/${profileId}/consents`, { consents: [{ channel: "sms", purpose: "marketing", granted: true }] });
  return { userId, phone, name, profileId };
}

function track(c: Customer, event: string, messageId: string, properties: Record<string, unknown> = {}) {
  return { type: "track", messageId, userId: c.userId, event, properties, timestamp: clock.now().toISOString() };
}

/** The playbook from the list route, instantiated with the brand's picks, created and published over HTTP. */
async function launch(b: Brand, key: string, picks: PlaybookPicks): Promise<JourneyDto> {
  const list = await b.ok<PlaybookListDto>("GET", "/journey-playbooks");
  const listed = list.items.find((p) => p.key === key);
  expect(listed, key).toBeDefined();
  const body = instantiatePlaybook(key, { channel: "sms", ...picks });
  // The instance is the listed journey with the picks in place of the placeholders.
  expect(body.graph.nodes.map((n) => n.id)).toEqual(listed!.journey.graph.nodes.map((n) => n.id));
  const journey = await b.ok<JourneyDto>("POST", "/journeys", { ...body, playbook: key });
  await b.ok("POST", `/journeys/${journey.id}/publish`);
  return journey;
}

/** Accepted sends to this customer's phone. */
const sendsTo = (c: Customer) =>
  sms.sends.map((s, i) => ({ ...s, at: arrivals[i] })).filter((s) => s.phoneNumbers === c.phone);

async function messagesOf(b: Brand, c: Customer): Promise<MessageDto[]> {
  return (await b.ok<MessagePageDto>("GET", `/messages?profileId=${c.profileId}&limit=100`)).items;
}

async function report(b: Brand, journeyId: string): Promise<JourneyReportDto> {
  return b.ok<JourneyReportDto>("GET", `/journeys/${journeyId}/report`);
}

async function couponCodeOf(b: Brand, c: Customer): Promise<string> {
  const r = await t.database.db.execute(sql`select code from coupons where workspace_id = ${b.ws.workspaceId}::uuid and profile_id = ${c.profileId}::uuid`);
  const list = (r as unknown as { rows: { code: string }[] }).rows;
  expect(list).toHaveLength(1);
  return list[0]!.code;
}

/** Exactly one SMS reached the fake for `c`, at `when`, with these params (and that body in the message log). */
async function expectOneSms(b: Brand, c: Customer, when: Date, params: Record<string, string>, body: string, suffix = UNSUBSCRIBE) {
  const sends = sendsTo(c);
  expect(sends, `sms to ${c.name}`).toHaveLength(1);
  expect(sends[0]).toMatchObject({ signName: SIGN, templateParam: params, at: when.toISOString() });
  const delivered = (await messagesOf(b, c)).filter((m) => m.status === "delivered");
  expect(delivered).toHaveLength(1);
  expect(delivered[0]!.rendered.body).toBe(`${body}${suffix}`);
  expect(delivered[0]!.deliveredAt).toBe(when.toISOString());
  expect(sends[0]!.outId).toBe(delivered[0]!.id);
}

const suppressedOf = (r: JourneyReportDto) => {
  const out: Record<string, number> = {};
  for (const n of r.nodes) for (const [k, v] of Object.entries(n.messages.suppressed)) out[k] = (out[k] ?? 0) + v;
  return out;
};
const sentOf = (r: JourneyReportDto) => r.nodes.reduce((a, n) => a + n.messages.delivered, 0);

describe("playbook cart_abandoned_offer", () => {
  it("30 minutes after Product Added without an order: a coupon and one SMS with its code; an order inside the 30 minutes → nothing; guards; replays", async () => {
    const b = await brand(local("2026-12-01", "10:00"));
    const journey = await launch(b, "cart_abandoned_offer", { templates: { limited_offer: b.templates.coupon }, couponTemplateId: b.couponTemplateId });
    setClock(local("2026-12-01", "10:00"));
    const abandoner = await customer(b, "陈静");
    const buyer = await customer(b, "王芳");
    const noConsent = await customer(b, "李娜", { consent: false });
    const capped = await customer(b, "赵敏");

    // The capped customer already got a targeted push today.
    const earlier = await b.ok<MessageDto>("POST", "/messages", { profileId: capped.profileId, templateId: b.templates.plain, category: "targeted", idempotencyKey: "earlier-push", variables: {} });
    await settle();
    expect((await b.ok<MessageDto>("GET", `/messages/${earlier.id}`)).status).toBe("delivered");

    const start = local("2026-12-01", "10:05");
    setClock(start);
    const added = [abandoner, buyer, noConsent, capped].map((c) => track(c, "Product Added", `add-${c.userId}`, { sku: "TEA-1" }));
    await ingest(b, added);
    await settle();
    await at(new Date(start.getTime() + 10 * MINUTE));
    await ingest(b, [track(buyer, "Order Completed", `order-${buyer.userId}`, { order_id: `o-${buyer.userId}`, total: 30 })]);
    await settle();

    await at(new Date(start.getTime() + 29 * MINUTE));
    expect(sendsTo(abandoner)).toHaveLength(0);
    const due = new Date(start.getTime() + 30 * MINUTE);
    await at(due);
    const code = await couponCodeOf(b, abandoner);
    await expectOneSms(b, abandoner, due, { name: "陈静", code }, `陈静，送您优惠券 ${code}`);

    // The buyer went down the "bought" branch of the wait (to exit_converted): no coupon, no message.
    expect(sendsTo(buyer)).toHaveLength(0);
    expect((await messagesOf(b, buyer)).filter((m) => m.source.kind === "journey")).toHaveLength(0);
    const buyerRuns = await b.ok<JourneyRunListDto>("GET", `/journeys/${journey.id}/runs?profileId=${buyer.profileId}`);
    expect(buyerRuns.items.map((r) => [r.status, r.currentNodeId, r.endedAt])).toEqual([["completed", "exit_converted", new Date(start.getTime() + 10 * MINUTE).toISOString()]]);
    const atNodes = new Map((await report(b, journey.id)).nodes.map((n) => [n.nodeId, n.entered]));
    expect([atNodes.get("exit_converted"), atNodes.get("exit")]).toEqual([1, 3]);

    // Without consent / over the 1 + 1 cap: nothing sent, the reason in the log and the report.
    expect(sendsTo(noConsent)).toHaveLength(0);
    expect((await messagesOf(b, noConsent)).map((m) => [m.status, m.reason])).toEqual([["suppressed", "no_consent"]]);
    expect(sendsTo(capped)).toHaveLength(1); // the earlier push only
    expect((await messagesOf(b, capped)).filter((m) => m.source.kind === "journey").map((m) => [m.status, m.reason])).toEqual([["suppressed", "frequency_cap"]]);
    const r = await report(b, journey.id);
    expect(r.entered).toBe(4);
    expect(sentOf(r)).toBe(1);
    expect(suppressedOf(r)).toEqual({ no_consent: 1, frequency_cap: 1 });
    const sendNode = r.nodes.find((n) => n.messages.delivered > 0)!;
    expect(sendNode.messages.suppressed).toEqual({ no_consent: 1, frequency_cap: 1 });

    // Replaying the same events (same messageIds) sends nothing more.
    await ingest(b, added);
    await at(new Date(due.getTime() + 31 * MINUTE));
    expect(sendsTo(abandoner)).toHaveLength(1);
    expect((await report(b, journey.id)).entered).toBe(4);
    expect(sms.distinctOutIds()).toBe(sms.sends.length);

    // The abandoner buys within the 48-hour goal window: the report counts the conversion and its revenue.
    await ingest(b, [track(abandoner, "Order Completed", `order-${abandoner.userId}`, { order_id: `o-${abandoner.userId}`, total: 88 })]);
    await settle();
    const converted = await report(b, journey.id);
    // The buyer's order inside the wait counts as a conversion too, though the run ended by the bought branch.
    expect([converted.goalReached, converted.revenue.journey]).toEqual([2, (30 + 88) * 100]);
    // Coupons go to everyone who timed out, including those the message could not reach.
    expect(converted.coupons.issued).toBe(3);
  });

  it("a cart abandoned during quiet hours: the SMS is held and goes at 09:00", async () => {
    const b = await brand(local("2026-12-02", "20:50"));
    await launch(b, "cart_abandoned_offer", { templates: { limited_offer: b.templates.coupon }, couponTemplateId: b.couponTemplateId });
    setClock(local("2026-12-02", "20:50"));
    const night = await customer(b, "孙丽");
    await ingest(b, [track(night, "Product Added", `add-${night.userId}`)]);
    await settle();
    await at(local("2026-12-02", "21:20"));
    const held = (await messagesOf(b, night)).filter((m) => m.source.kind === "journey");
    expect(held.map((m) => [m.status, m.dueAt])).toEqual([["held", local("2026-12-03", "09:00").toISOString()]]);
    await at(local("2026-12-03", "08:59"));
    expect(sendsTo(night)).toHaveLength(0);
    await at(local("2026-12-03", "09:00"));
    const code = await couponCodeOf(b, night);
    await expectOneSms(b, night, local("2026-12-03", "09:00"), { name: "孙丽", code }, `孙丽，送您优惠券 ${code}`);
  });
});

describe("playbook welcome_new_member", () => {
  it("on Signed Up a welcome at once and the task reminder a day later; guards; quiet hours; once only", async () => {
    const b = await brand(local("2026-12-04", "11:00"));
    const journey = await launch(b, "welcome_new_member", { templates: { welcome: b.templates.plain, tasks_reminder: b.templates.plain } });
    const start = local("2026-12-04", "11:00");
    setClock(start);
    const member = await customer(b, "周杰");
    const noConsent = await customer(b, "吴倩", { consent: false });
    const capped = await customer(b, "郑爽");
    await b.ok("POST", "/messages", { profileId: capped.profileId, templateId: b.templates.plain, category: "targeted", idempotencyKey: "earlier-push", variables: {} });
    await settle();
    expect(sendsTo(capped)).toHaveLength(1);

    const signups = [member, noConsent, capped].map((c) => track(c, "Signed Up", `signup-${c.userId}`));
    await ingest(b, signups);
    await settle();
    expect(sendsTo(member).map((s) => [s.templateParam, s.at])).toEqual([[{ name: "周杰" }, start.toISOString()]]);
    expect(sendsTo(noConsent)).toHaveLength(0);
    expect(sendsTo(capped)).toHaveLength(1);

    await at(new Date(start.getTime() + 24 * HOUR - MINUTE));
    expect(sendsTo(member)).toHaveLength(1);
    const reminderAt = new Date(start.getTime() + 24 * HOUR);
    await at(reminderAt);
    expect(sendsTo(member).map((s) => s.at)).toEqual([start.toISOString(), reminderAt.toISOString()]);
    expect(sendsTo(member)[1]!.templateParam).toEqual({ name: "周杰" });
    // The capped customer's reminder falls on a new local day: it goes.
    expect(sendsTo(capped).map((s) => s.at)).toEqual([start.toISOString(), reminderAt.toISOString()]);

    const journeyMessages = async (c: Customer) => (await messagesOf(b, c)).filter((m) => m.source.kind === "journey").map((m) => [m.status, m.reason]);
    expect(await journeyMessages(noConsent)).toEqual([
      ["suppressed", "no_consent"],
      ["suppressed", "no_consent"],
    ]);
    expect((await journeyMessages(capped)).sort()).toEqual([
      ["delivered", null],
      ["suppressed", "frequency_cap"],
    ]);
    const r = await report(b, journey.id);
    expect(r.entered).toBe(3);
    expect(sentOf(r)).toBe(3);
    expect(suppressedOf(r)).toEqual({ no_consent: 2, frequency_cap: 1 });

    // A second Signed Up (and a replay of the first) enters nobody again: the entry rule is "once".
    await ingest(b, [...signups, track(member, "Signed Up", `signup-again-${member.userId}`)]);
    await at(new Date(reminderAt.getTime() + 25 * HOUR));
    expect(sendsTo(member)).toHaveLength(2);
    expect((await report(b, journey.id)).entered).toBe(3);

    // Signed up at 22:30: the welcome is held until 09:00.
    setClock(local("2026-12-06", "22:30"));
    const late = await customer(b, "钱多");
    await ingest(b, [track(late, "Signed Up", `signup-${late.userId}`)]);
    await settle();
    expect(sendsTo(late)).toHaveLength(0);
    await at(local("2026-12-07", "09:00"));
    expect(sendsTo(late).map((s) => [s.templateParam, s.at])).toEqual([[{ name: "钱多" }, local("2026-12-07", "09:00").toISOString()]]);
  });
});

describe("playbook product_views_coupon", () => {
  it("the 6th view of the week: a coupon and one SMS at once; 5 views → nothing; the cooldown holds a week", async () => {
    const b = await brand(local("2026-12-08", "10:00"));
    const journey = await launch(b, "product_views_coupon", { templates: { exclusive_coupon: b.templates.coupon }, couponTemplateId: b.couponTemplateId });
    setClock(local("2026-12-08", "10:00"));
    const keen = await customer(b, "冯磊");
    const browsing = await customer(b, "蒋欣");
    const views = (c: Customer, from: number, n: number) => Array.from({ length: n }, (_, i) => track(c, "Product Viewed", `view-${c.userId}-${from + i}`, { sku: "TEA-9" }));
    await ingest(b, [...views(keen, 0, 3), ...views(browsing, 0, 3)]);
    await settle();
    await at(local("2026-12-09", "15:00"));
    await ingest(b, [...views(keen, 3, 2), ...views(browsing, 3, 2)]);
    await settle();
    expect(sendsTo(keen)).toHaveLength(0);
    await at(local("2026-12-09", "15:30"));
    await ingest(b, views(keen, 5, 1));
    await settle();
    const code = await couponCodeOf(b, keen);
    await expectOneSms(b, keen, local("2026-12-09", "15:30"), { name: "冯磊", code }, `冯磊，送您优惠券 ${code}`);
    expect(sendsTo(browsing)).toHaveLength(0);
    // More views the next day: still inside the 7-day cooldown.
    await at(local("2026-12-10", "11:00"));
    await ingest(b, views(keen, 6, 6));
    await settle();
    expect(sendsTo(keen)).toHaveLength(1);
    const r = await report(b, journey.id);
    expect([r.entered, sentOf(r), r.coupons.issued]).toEqual([1, 1, 1]);
  });
});

describe("playbook post_purchase_cross_sell", () => {
  it("two days after an order, one recommendation", async () => {
    const b = await brand(local("2026-12-11", "12:00"));
    const journey = await launch(b, "post_purchase_cross_sell", { templates: { recommendation: b.templates.plain } });
    const start = local("2026-12-11", "12:00");
    setClock(start);
    const buyer = await customer(b, "韩梅");
    await ingest(b, [track(buyer, "Order Completed", `order-${buyer.userId}`, { order_id: `o-${buyer.userId}`, total: 25 })]);
    await settle();
    await at(new Date(start.getTime() + 48 * HOUR - MINUTE));
    expect(sendsTo(buyer)).toHaveLength(0);
    const due = new Date(start.getTime() + 48 * HOUR);
    await at(due);
    await expectOneSms(b, buyer, due, { name: "韩梅" }, "韩梅，您好！");
    const r = await report(b, journey.id);
    expect([r.entered, sentOf(r)]).toEqual([1, 1]);
  });
});

describe("playbook birthday_care", () => {
  it("on the birthday at 10:00 local: a coupon and one greeting; not before 10:00, not on other days, not twice", async () => {
    const b = await brand(local("2026-12-19", "12:00"));
    const journey = await launch(b, "birthday_care", { templates: { birthday: b.templates.coupon }, couponTemplateId: b.couponTemplateId });
    setClock(local("2026-12-19", "12:00"));
    const today = await customer(b, "林青", { traits: { birthday: "1992-12-20" } });
    const tomorrow = await customer(b, "何田", { traits: { birthday: "1990-12-21" } });
    await at(local("2026-12-20", "09:59"));
    expect(sendsTo(today)).toHaveLength(0);
    await at(local("2026-12-20", "10:00"));
    const code = await couponCodeOf(b, today);
    await expectOneSms(b, today, local("2026-12-20", "10:00"), { name: "林青", code }, `林青，送您优惠券 ${code}`);
    expect(sendsTo(tomorrow)).toHaveLength(0);
    await at(local("2026-12-20", "16:00"));
    expect(sendsTo(today)).toHaveLength(1);
    const r = await report(b, journey.id);
    expect([r.entered, sentOf(r)]).toEqual([1, 1]);
  });
});

describe("playbook expiry_reminder", () => {
  it("every day at 10:00 the segment's members get a service reminder; the 72-hour cooldown skips the next two days", async () => {
    const b = await brand(local("2026-12-21", "12:00"));
    const serviceTemplate = await b.ok<TemplateDto>("POST", "/message-templates", {
      name: "Expiry",
      channel: "sms",
      purpose: "service",
      content: { "zh-CN": { body: "{{ profile.name }}，您的积分即将到期", providerTemplate: "SMS_PLAIN", params: { name: "{{ profile.name }}" } } },
    });
    setClock(local("2026-12-21", "12:00"));
    const expiring = await customer(b, "罗兰", { traits: { points_expiring: "yes" }, consent: false });
    const other = await customer(b, "高远");
    const segment = await b.ok<{ id: string }>("POST", "/segments", { name: "积分将到期", rule: { type: "trait", trait: "points_expiring", op: "eq", value: "yes" } });
    await refreshSegment(b, segment.id);
    const journey = await launch(b, "expiry_reminder", { templates: { expiry_reminder: serviceTemplate.id }, segmentId: segment.id });
    await at(local("2026-12-22", "09:59"));
    expect(sendsTo(expiring)).toHaveLength(0);
    await at(local("2026-12-22", "10:00"));
    // A service message needs no marketing consent and carries no unsubscribe text.
    await expectOneSms(b, expiring, local("2026-12-22", "10:00"), { name: "罗兰" }, "罗兰，您的积分即将到期", "");
    expect(sendsTo(other)).toHaveLength(0);
    await at(local("2026-12-23", "10:00"));
    await at(local("2026-12-24", "10:00"));
    expect(sendsTo(expiring)).toHaveLength(1);
    const r = await report(b, journey.id);
    expect([r.entered, sentOf(r)]).toEqual([1, 1]);
  });
});

describe("playbook tier_upgrade_congrats", () => {
  it("an order that lifts a member to silver: one congratulation; an order keeping the level nothing; gold later: another", async () => {
    const b = await brand(local("2026-12-26", "14:00"));
    const tierTemplate = await b.ok<TemplateDto>("POST", "/message-templates", {
      name: "Tier",
      channel: "sms",
      purpose: "marketing",
      content: { "zh-CN": { body: "{{ profile.name }}，恭喜升级为{{ profile.tier }}", providerTemplate: "SMS_PLAIN", params: { name: "{{ profile.name }}" } } },
    });
    const journey = await launch(b, "tier_upgrade_congrats", { templates: { tier_upgrade: tierTemplate.id } });
    const start = local("2026-12-26", "14:00");
    setClock(start);
    const member = await customer(b, "曹雪");
    await ingest(b, [track(member, "Order Completed", `order-${member.userId}`, { order_id: `o-${member.userId}`, total: 1200 })]);
    await settle();
    await expectOneSms(b, member, start, { name: "曹雪" }, "曹雪，恭喜升级为银卡 Silver");
    // A small order the next day keeps the level: nothing; a big one the day after lifts to gold: a second congratulation.
    await at(new Date(start.getTime() + 24 * HOUR));
    await ingest(b, [track(member, "Order Completed", `order2-${member.userId}`, { order_id: `o2-${member.userId}`, total: 10 })]);
    await settle();
    expect(sendsTo(member)).toHaveLength(1);
    const goldAt = new Date(start.getTime() + 48 * HOUR);
    await at(goldAt);
    await ingest(b, [track(member, "Order Completed", `order3-${member.userId}`, { order_id: `o3-${member.userId}`, total: 2000 })]);
    await settle();
    expect(sendsTo(member).map((s) => s.at)).toEqual([start.toISOString(), goldAt.toISOString()]);
    const bodies = (await messagesOf(b, member)).filter((m) => m.status === "delivered").map((m) => m.rendered.body);
    expect(bodies.sort()).toEqual([`曹雪，恭喜升级为金卡 Gold${UNSUBSCRIBE}`, `曹雪，恭喜升级为银卡 Silver${UNSUBSCRIBE}`]);
    const r = await report(b, journey.id);
    expect([r.entered, sentOf(r)]).toEqual([2, 2]);
  });
});

describe("playbook dormant_recall", () => {
  it("a customer entering the dormant segment at a refresh: a recall coupon and one SMS; members from before the publish and active customers get nothing", async () => {
    const start = local("2027-01-05", "12:00");
    const b = await brand(start);
    const sleeper = await customer(b, "沈玉");
    const soon = await customer(b, "贾宁");
    const regular = await customer(b, "魏东");
    // Last orders 100, 89 and 7 days ago (sent late, with their own timestamps).
    const order = (c: Customer, daysAgo: number) => ({
      ...track(c, "Order Completed", `order-${c.userId}`, { order_id: `o-${c.userId}`, total: 20 }),
      timestamp: new Date(clock.now().getTime() - daysAgo * 24 * HOUR).toISOString(),
    });
    await ingest(b, [order(sleeper, 100), order(soon, 89), order(regular, 7)]);
    await settle();
    await catchUpWarehouse();
    // The operator's dormant segment: bought before, nothing in the last 90 days. Created (and refreshed) before the journey.
    const dormant = await b.ok<{ id: string }>("POST", "/segments", {
      name: "沉睡会员",
      rule: {
        type: "and",
        rules: [
          { type: "trait", trait: "order_count", op: "gte", value: 1 },
          { type: "event", event: "Order Completed", measure: { kind: "count" }, op: "eq", value: 0, window: { kind: "in_last_days", days: 90 } },
        ],
      },
    });
    setClock(new Date(start.getTime() + MINUTE));
    const journey = await launch(b, "dormant_recall", { templates: { recall: b.templates.coupon }, couponTemplateId: b.couponTemplateId, segmentId: dormant.id });
    await settle();
    // The sleeper entered the segment before the journey went live (regression: it was entered when the source read the change late).
    expect(sendsTo(sleeper)).toHaveLength(0);
    const refreshAt = new Date(start.getTime() + 2 * 24 * HOUR);
    await at(refreshAt);
    await refreshSegment(b, dormant.id);
    const code = await couponCodeOf(b, soon);
    await expectOneSms(b, soon, refreshAt, { name: "贾宁", code }, `贾宁，送您优惠券 ${code}`);
    expect(sendsTo(sleeper)).toHaveLength(0);
    expect(sendsTo(regular)).toHaveLength(0);
    // Another refresh changes nothing: they are already members.
    await at(new Date(refreshAt.getTime() + HOUR));
    await refreshSegment(b, dormant.id);
    expect(sendsTo(soon)).toHaveLength(1);
    const r = await report(b, journey.id);
    expect([r.entered, sentOf(r), r.coupons.issued]).toEqual([1, 1, 1]);
  });
});

async function catchUpWarehouse() {
  while ((await loadEventsIntoWarehouse({ db: t.database.db, warehouse: t.warehouse })) > 0);
  await refreshProfileSnapshot({ db: t.database.db, warehouse: t.warehouse });
}

/** The warehouse catches up (events, profile snapshot), the segment refreshes over HTTP, and everything drains. */
async function refreshSegment(b: Brand, segmentId: string) {
  await settle();
  await catchUpWarehouse();
  await b.ok("POST", `/segments/${segmentId}/refresh`, {});
  await settle();
}
