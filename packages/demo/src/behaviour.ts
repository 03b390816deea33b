import type { DemoBrand } from "./brand";
import type { DemoMember } from "./members";
import type { DemoProduct } from "./menu";
import { defineDemoModule } from "./modules";
import type { Rng } from "./rng";
import { demoToucher } from "./touches";

/** The demo mini-program's WeChat app id: OpenIDs are per app. */
export const DEMO_MINI_PROGRAM_APP_ID = "wxdemo0minipro";

const DAY = 86_400_000;
/** Share of the gaps between visits in which the member browses the menu and leaves without a cart. */
const BROWSE_SHARE = 0.3;

/** A Segment message, as the brand's mini-program, WeCom tools and POS would send it. */
export interface DemoMessage {
  type: "identify" | "track" | "page";
  messageId: string;
  timestamp: string;
  userId?: string;
  anonymousId?: string;
  event?: string;
  name?: string;
  traits?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  context?: Record<string, unknown>;
}

export interface DemoBehaviourOptions {
  /** Moves every timestamp by this many ms (the loader ends the history "yesterday"). */
  shiftMs?: number;
  /** Share of members also added as WeCom contacts by store staff (merged with the mini-program by phone). */
  wecomShare?: number;
}

/**
 * Months of behaviour per member: registration in the mini-program (OpenID, later a
 * bound phone), WeCom contacts added by staff (merging by phone), product views,
 * carts (some abandoned), browsing without a cart, orders across stores with real menu prices,
 * refunds, check-ins and shares, NPS surveys and referral invitations, and marketing touches
 * (touches.ts) — all driven by the member's persona.
 */
export const demoBehaviourModule = defineDemoModule({
  name: "behaviour",
  generate: (brand: DemoBrand, rng: Rng) => ({ count: countDemoMessages(brand, rng) }),
});

export function* generateDemoMessages(brand: DemoBrand, rng: Rng, options: DemoBehaviourOptions = {}): Generator<DemoMessage> {
  const end = Date.parse(brand.window.endsAt);
  for (const member of brand.members) yield* memberMessages(brand, member, rng.fork(member.key), end, options);
}

function countDemoMessages(brand: DemoBrand, rng: Rng): number {
  let n = 0;
  for (const _ of generateDemoMessages(brand, rng)) n += 1;
  return n;
}

function* memberMessages(brand: DemoBrand, member: DemoMember, rng: Rng, end: number, options: DemoBehaviourOptions): Generator<DemoMessage> {
  const shift = options.shiftMs ?? 0;
  let serial = 0;
  const stamp = (at: number) => new Date(at + shift).toISOString();
  const id = () => `demo:${member.key}:${++serial}`;
  // Surveys and referrals draw from a stream of their own, with ids of their own: every other event
  // is what it would be without them.
  const voice = rng.fork("voice");
  let voiceSerial = 0;
  const voiceId = () => `demo:${member.key}:v${++voiceSerial}`;
  const toucher = demoToucher(member.key, rng.fork("touch"), stamp, end);
  const browse = rng.fork("browse");
  let browseSerial = 0;
  const browseId = () => `demo:${member.key}:b${++browseSerial}`;
  const anonymousId = `mp-${member.key}`;
  const traits = {
    name: member.name,
    gender: member.gender,
    birthday: member.birthday,
    city: member.city,
    registration_store: member.homeStoreCode,
    source_channel: member.sourceChannel,
    is_demo: true,
  };
  let t = Date.parse(member.registeredAt);
  const persona = member.persona;

  // Joining: WeChat members open the mini-program first and bind their phone a little later.
  if (member.wechat) {
    yield {
      type: "track",
      messageId: id(),
      timestamp: stamp(t),
      anonymousId,
      event: "Mini Program Opened",
      context: { traits: { wechat_openid: member.wechat.openIdMiniProgram, wechat_appid: DEMO_MINI_PROGRAM_APP_ID, wechat_unionid: member.wechat.unionId } },
    };
    t += rng.int(5, 3 * 24 * 60) * 60_000;
  }
  if (t >= end) return;
  yield { type: "identify", messageId: id(), timestamp: stamp(t), userId: member.key, anonymousId, traits: { ...traits, phone: member.phone } };

  // Store staff add a share of members on WeCom; the contact carries the same phone, so the two merge.
  if (rng.chance(options.wecomShare ?? 0.35)) {
    const at = t + rng.int(1, 20) * DAY;
    if (at < end) {
      yield {
        type: "identify",
        messageId: id(),
        timestamp: stamp(at),
        anonymousId: `wc-${member.key}`,
        traits: { wecom_external_userid: `wm_demo_${member.key.slice(7)}`, phone: member.phone, name: member.name },
      };
    }
  }

  // Visits: orders arrive as a Poisson process at the persona's rate until the member lapses. Marketing
  // touches come before some visits (the touch that brought the member in) and between them (reach that
  // brought nobody), and win-back messages after the last.
  const monthly = persona.visitRate;
  let month = 0;
  let last = t;
  visits: while (t < end) {
    const gapDays = -Math.log(1 - rng.next()) * (30 / Math.max(monthly, 0.02));
    t += gapDays * DAY;
    while (t > Date.parse(member.registeredAt) + (month + 1) * 30 * DAY) {
      month += 1;
      if (rng.chance(persona.churnRisk)) break visits;
    }
    if (t >= end) break;
    yield* toucher.beforeVisit(last, t);
    // Browsing without a cart between visits, on a stream of its own with ids of its own.
    if (browse.chance(BROWSE_SHARE) && last < t) {
      let at = browse.float(last, t);
      for (const product of pickProducts(brand.menu, member, browse)) {
        if (at >= end) break;
        yield { type: "track", messageId: browseId(), timestamp: stamp(at), userId: member.key, event: "Product Viewed", properties: productProps(product) };
        at += browse.int(10, 120) * 1000;
      }
    }
    const store = rng.chance(0.8) ? member.homeStoreCode : rng.pick(brand.stores).code;
    const picks = pickProducts(brand.menu, member, rng);
    let at = t;
    for (const product of picks) {
      yield { type: "track", messageId: id(), timestamp: stamp(at), userId: member.key, event: "Product Viewed", properties: productProps(product) };
      at += rng.int(10, 120) * 1000;
    }
    yield { type: "track", messageId: id(), timestamp: stamp(at), userId: member.key, event: "Product Added", properties: productProps(picks[0]!) };
    at += rng.int(30, 300) * 1000;
    last = at;
    // Price-sensitive members abandon more carts.
    if (rng.chance(0.08 + 0.25 * persona.priceSensitivity)) continue;
    const coupon = rng.chance(persona.priceSensitivity * 0.3) ? "NEW5" : undefined;
    const totalMinor = picks.reduce((sum, p) => sum + p.priceMinor, 0) - (coupon ? 500 : 0);
    const orderId = `${member.key}-${serial + 1}`;
    yield {
      type: "track",
      messageId: id(),
      timestamp: stamp(at),
      userId: member.key,
      event: "Order Completed",
      properties: {
        order_id: orderId,
        total: Math.max(totalMinor, 0) / 100,
        currency: "CNY",
        store_id: store,
        coupon,
        products: picks.map((p) => ({ sku: p.sku, name: p.name, category: p.category, price: p.priceMinor / 100, quantity: 1 })),
      },
    };
    if (rng.chance(0.015)) {
      yield { type: "track", messageId: id(), timestamp: stamp(at + rng.int(5, 60) * 60_000), userId: member.key, event: "Order Refunded", properties: { order_id: orderId } };
    }
    if (rng.chance(persona.sociability * 0.3)) {
      yield { type: "track", messageId: id(), timestamp: stamp(at + rng.int(1, 30) * 60_000), userId: member.key, event: "Product Shared", properties: { ...productProps(picks[0]!), share_via: "wechat_friend" } };
    }
    if (persona.archetype === "loyal_core" && rng.chance(0.5)) {
      yield { type: "track", messageId: id(), timestamp: stamp(at + rng.int(1, 12) * 3_600_000), userId: member.key, event: "Checked In", properties: { streak: rng.int(1, 14) } };
    }
    // An NPS survey after one order in twenty: promoters among the loyal, detractors among the price-sensitive and the lapsing.
    const surveyAt = at + voice.int(1, 48) * 3_600_000;
    if (voice.chance(0.05) && surveyAt < end) {
      const score = Math.max(0, Math.min(10, Math.round(voice.normal(10 - 3 * persona.priceSensitivity - 4 * persona.churnRisk, 1.5))));
      yield { type: "track", messageId: voiceId(), timestamp: stamp(surveyAt), userId: member.key, event: "Survey Submitted", properties: { survey: "nps", score } };
    }
    // Sociable members invite friends; a quarter of the invitations bring one in.
    const inviteAt = at + voice.int(1, 24) * 3_600_000;
    if (voice.chance(persona.sociability * 0.05) && inviteAt < end) {
      yield { type: "track", messageId: voiceId(), timestamp: stamp(inviteAt), userId: member.key, event: "Referral Invite Sent", properties: { channel: "wechat_friend" } };
      const joinedAt = inviteAt + voice.int(1, 72) * 3_600_000;
      if (voice.chance(0.25) && joinedAt < end) {
        yield { type: "track", messageId: voiceId(), timestamp: stamp(joinedAt), userId: member.key, event: "Referral Completed", properties: { channel: "wechat_friend" } };
      }
    }
  }
  yield* toucher.afterLastVisit(last);
}

function pickProducts(menu: readonly DemoProduct[], member: DemoMember, rng: Rng): DemoProduct[] {
  const favourites = menu.filter((p) => p.category === member.persona.favouriteCategory);
  const count = rng.weightedPick([1, 2, 3], [0.6, 0.3, 0.1]);
  return Array.from({ length: count }, () => (rng.chance(0.7) && favourites.length ? rng.pick(favourites) : rng.pick(menu)));
}

function productProps(p: DemoProduct) {
  return { sku: p.sku, name: p.name, category: p.category, price: p.priceMinor / 100, currency: "CNY" };
}
