import type { PutLoyaltySettingsBody } from "@siyu/contracts";

/**
 * The demo brand's loyalty rules: the simulator's "Checked In" and "Product Shared" events earn by them,
 * so members' balances and calendars show check-ins and shares next to their orders.
 */
export const DEMO_LOYALTY_SETTINGS: PutLoyaltySettingsBody = {
  checkIns: {
    enabled: true,
    basePoints: 5,
    streakBonuses: [
      { day: 3, points: 10 },
      { day: 7, points: 30 },
    ],
    cycleDays: 7,
    event: "Checked In",
    makeUp: { windowDays: 7, points: 5 },
  },
  activities: {
    rules: [
      // Shares to a WeChat friend or Moments earn; three a day, at most 300 points a month.
      {
        code: "share",
        name: "分享好友 Share",
        kind: "share",
        event: "Product Shared",
        where: [{ property: "share_via", op: "in", value: ["wechat_friend", "wechat_moments"] }],
        points: 5,
        perMemberDaily: { limit: 3, unit: "occurrences" },
        perMemberMonthly: { limit: 300, unit: "points" },
      },
      { code: "review", name: "评价 Review", kind: "review", event: "Review Submitted", points: 10, perMemberDaily: { limit: 2, unit: "occurrences" } },
      { code: "ugc", name: "晒单 UGC", kind: "ugc", event: "UGC Posted", points: 20, perMemberDaily: { limit: 1, unit: "occurrences" } },
      { code: "referral", name: "邀请好友 Referral", kind: "referral", event: "Referral Completed", points: 100, perMemberMonthly: { limit: 10, unit: "occurrences" } },
    ],
  },
};
