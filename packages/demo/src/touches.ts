import type { DemoMessage } from "./behaviour";
import { shanghaiDayOf } from "./calendar";
import type { Rng } from "./rng";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The channels the demo brand reaches its members through after they join, with the UTM medium of
 * each. A touch is Segment's `Promotion Viewed` (the member saw the message, article or ad) and, when
 * they followed it, `Promotion Clicked` a few minutes later: the first two steps of the default funnel.
 * Both carry the channel as `context.channel` and the campaign as the promotion's `name` and as
 * `properties.utm_source / utm_medium / utm_campaign`, as the mini-program reports a landing from a
 * tagged link; the campaign stays out of `context.campaign`, which tells how a member was acquired
 * (a message months after joining is not that).
 */
export const DEMO_TOUCH_CHANNELS = {
  wecom: { medium: "private_message" }, // store staff's 1:1 WeCom messages
  wechat_miniprogram: { medium: "subscription_message" },
  official_account: { medium: "article" },
  sms: { medium: "sms" },
  douyin: { medium: "short_video" },
  wechat_moments: { medium: "feed_ad" },
} as const;
export const DEMO_TOUCH_EVENTS = { viewed: "Promotion Viewed", clicked: "Promotion Clicked" } as const;
export type DemoTouchChannel = keyof typeof DEMO_TOUCH_CHANNELS;
const CHANNELS = Object.keys(DEMO_TOUCH_CHANNELS) as DemoTouchChannel[];

/** Which channel brought a member in for a visit: the staff's messages and subscription messages most. */
export const DEMO_VISIT_TOUCH_WEIGHTS: Readonly<Record<DemoTouchChannel, number>> = {
  wecom: 0.34,
  wechat_miniprogram: 0.26,
  official_account: 0.14,
  sms: 0.12,
  douyin: 0.08,
  wechat_moments: 0.06,
};
/** Which channel reached a member without bringing them in: paid media most. */
export const DEMO_IDLE_TOUCH_WEIGHTS: Readonly<Record<DemoTouchChannel, number>> = {
  douyin: 0.32,
  wechat_moments: 0.26,
  official_account: 0.2,
  sms: 0.1,
  wecom: 0.06,
  wechat_miniprogram: 0.06,
};
/** Share of visits a touch led to (one or two touches in the five days before, each clicked). */
export const DEMO_VISIT_TOUCH_SHARE = 0.2;
/** Share of the gaps between visits with a touch that led to none. */
export const DEMO_IDLE_TOUCH_SHARE = 0.12;
/** Share of the touches that led to no visit that the member clicked all the same. */
export const DEMO_IDLE_CLICK_SHARE = 0.3;
/** Win-back messages a member gets after their last visit: at most this many, on the channels that send them. */
export const DEMO_WIN_BACK_TOUCHES = 3;
const WIN_BACK_CHANNELS: readonly DemoTouchChannel[] = ["sms", "douyin", "wechat_moments"];

/** The campaign running in each Shanghai month, January first. */
export const DEMO_CAMPAIGNS_BY_MONTH = [
  "新春限定 New Year",
  "新春限定 New Year",
  "春日樱花 Spring blossom",
  "春日樱花 Spring blossom",
  "夏日冰饮 Summer iced",
  "夏日冰饮 Summer iced",
  "夏日冰饮 Summer iced",
  "夏日冰饮 Summer iced",
  "秋季新品 Autumn menu",
  "秋季新品 Autumn menu",
  "双十一 Double 11",
  "暖冬热饮 Winter warmers",
] as const;

/** The campaign running on the Shanghai day of an instant. */
export function demoCampaignAt(instantMs: number): string {
  const month = new Date(shanghaiDayOf(instantMs) * DAY).getUTCMonth();
  return DEMO_CAMPAIGNS_BY_MONTH[month]!;
}

/**
 * A member's marketing touches, drawn from a stream of their own with ids of their own
 * (`demo:<member>:t<n>`), so every other event of the member is what it would be without them.
 * `stamp` turns an instant into the message's timestamp (the loader's shift); nothing is sent at or after `end`.
 */
export function demoToucher(memberKey: string, rng: Rng, stamp: (at: number) => string, end: number) {
  let serial = 0;
  const weights = (w: Readonly<Record<DemoTouchChannel, number>>) => CHANNELS.map((c) => w[c]);
  const visitWeights = weights(DEMO_VISIT_TOUCH_WEIGHTS);
  const idleWeights = weights(DEMO_IDLE_TOUCH_WEIGHTS);
  const touch = (channel: DemoTouchChannel, at: number, clicked: boolean): DemoMessage[] => {
    const { medium } = DEMO_TOUCH_CHANNELS[channel];
    const campaign = demoCampaignAt(at);
    const message = (event: string, time: number): DemoMessage => ({
      type: "track",
      messageId: `demo:${memberKey}:t${++serial}`,
      timestamp: stamp(time),
      userId: memberKey,
      event,
      properties: { promotion_id: `${channel}:${campaign}`, name: campaign, creative: medium, utm_source: channel, utm_medium: medium, utm_campaign: campaign },
      context: { channel },
    });
    const viewed = message(DEMO_TOUCH_EVENTS.viewed, at);
    const clickAt = at + rng.float(5_000, 10 * 60_000);
    return clicked && clickAt < end ? [viewed, message(DEMO_TOUCH_EVENTS.clicked, clickAt)] : [viewed];
  };
  const inOrder = (touches: DemoMessage[]) => touches.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  return {
    /** Touches between the member's previous activity (`since`) and a visit at `visitAt`, in time order. */
    beforeVisit(since: number, visitAt: number): DemoMessage[] {
      const touches: DemoMessage[] = [];
      // A visit can start before the last one's events ended (they last minutes): no gap, no idle touch.
      if (rng.chance(DEMO_IDLE_TOUCH_SHARE) && since < visitAt) {
        const at = rng.float(since, visitAt);
        touches.push(...touch(rng.weightedPick(CHANNELS, idleWeights), at, rng.chance(DEMO_IDLE_CLICK_SHARE)));
      }
      if (rng.chance(DEMO_VISIT_TOUCH_SHARE)) {
        const count = rng.chance(0.2) ? 2 : 1;
        for (let i = 0; i < count; i++) {
          const at = visitAt - rng.float(0.2 * HOUR, 5 * DAY);
          if (at > since) touches.push(...touch(rng.weightedPick(CHANNELS, visitWeights), at, true));
        }
      }
      return inOrder(touches);
    },
    /** Win-back touches after the member's last visit (`since`), in time order. */
    afterLastVisit(since: number): DemoMessage[] {
      const touches: DemoMessage[] = [];
      let at = since;
      for (let i = 0; i < DEMO_WIN_BACK_TOUCHES; i++) {
        at += rng.float(20, 60) * DAY;
        if (at >= end) break;
        touches.push(...touch(rng.pick(WIN_BACK_CHANNELS), at, rng.chance(DEMO_IDLE_CLICK_SHARE / 2)));
      }
      return inOrder(touches);
    },
  };
}
