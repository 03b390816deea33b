import type { DemoBrand } from "@siyu/demo";
import { systemContext, type CoreServices } from "@siyu/core";
import { demoShiftMs } from "./load-demo-events";

/** What the demo brand pays per new member, by the channel they join through (fen); in-store sign-ups cost little. */
const DEMO_CAC_MINOR: Readonly<Record<string, number>> = {
  douyin: 3_800,
  tmall: 4_500,
  wechat_miniprogram: 1_200,
  official_account: 900,
  wecom: 700,
  store_pos: 300,
};

/**
 * The demo brand's acquisition costs: one entry per channel and month of its history, the month's
 * sign-ups of that channel × the channel's cost per member (± a deterministic 15 %), so CAC, N and
 * ROI show real numbers. Months are calendar months of the shifted history (Asia/Shanghai).
 */
export async function defineDemoAcquisitionCosts(services: CoreServices, workspaceId: string, brand: DemoBrand, now: Date): Promise<number> {
  const shift = demoShiftMs(brand, now);
  const local = (ms: number) => new Date(ms + shift + 8 * 3_600_000).toISOString().slice(0, 10);
  const signups = new Map<string, number>();
  for (const m of brand.members) {
    const key = `${m.sourceChannel}|${local(Date.parse(m.registeredAt)).slice(0, 7)}`;
    signups.set(key, (signups.get(key) ?? 0) + 1);
  }
  const lastDay = local(Date.parse(brand.window.endsAt) - 1);
  const ctx = systemContext(workspaceId);
  let entered = 0;
  for (const [key, count] of [...signups].sort(([a], [b]) => a.localeCompare(b))) {
    const [channel, month] = key.split("|") as [string, string];
    const perMember = DEMO_CAC_MINOR[channel] ?? 1_000;
    const wobble = 0.85 + ((count * 7919 + month.charCodeAt(6) * 31) % 31) / 100;
    const end = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
    await services.analyticsKpi.createCost(ctx, {
      kind: "channel",
      key: channel,
      from: `${month}-01`,
      to: end < lastDay ? end : lastDay,
      amountMinor: Math.round(count * perMember * wobble),
      storeId: null,
      note: "演示数据：月度投放",
    });
    entered += 1;
  }
  return entered;
}
