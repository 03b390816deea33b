import type { CreateCouponTemplateInput } from "@siyu/contracts";
import { instantiatePlaybook, systemContext, type CoreServices, type PlaybookPicks } from "@siyu/core";

/**
 * The demo brand's journeys, started from the brand plans' playbooks with the demo's inbox templates
 * (demo-messaging.ts) and coupon templates: new-member welcome and birthday care are live; cart
 * abandon and dormant recall are drafts to open on the canvas and publish. Published are only the
 * journeys the demo's months of history do not trigger (no "Signed Up" in the demo's events; birthdays
 * are judged from today on), so loading the demo starts no flood of runs; a sign-up sent to the demo
 * workspace goes through the welcome journey into the member's inbox.
 */
export const DEMO_JOURNEY_COUPONS = {
  cart: { name: "加购限时券 满¥30减¥5 (cart)", kind: "threshold", amountMinor: 500, thresholdMinor: 3000, validity: { kind: "relative", days: 2 }, totalStock: null, perMemberLimit: null },
  birthday: { name: "生日饮品券 Birthday drink", kind: "free_item", itemSku: "MT-001", validity: { kind: "relative", days: 30 }, totalStock: null, perMemberLimit: null },
  recall: { name: "回归券 ¥5 Come back", kind: "fixed", amountMinor: 500, validity: { kind: "relative", days: 14 }, totalStock: null, perMemberLimit: null },
} satisfies Record<string, CreateCouponTemplateInput>;

interface DemoJourney {
  playbook: string;
  /** Message template per playbook slot, by the demo template's name. */
  templates: Record<string, string>;
  coupon?: keyof typeof DEMO_JOURNEY_COUPONS;
  /** The demo segment the trigger watches, by name. */
  segment?: string;
  publish: boolean;
}

export const DEMO_JOURNEYS: DemoJourney[] = [
  { playbook: "welcome_new_member", templates: { welcome: "欢迎入会 Welcome", tasks_reminder: "新人任务提醒 New-member tasks" }, publish: true },
  { playbook: "birthday_care", templates: { birthday: "生日关怀 Birthday" }, coupon: "birthday", publish: true },
  { playbook: "cart_abandoned_offer", templates: { limited_offer: "购物车提醒 Cart reminder" }, coupon: "cart", publish: false },
  { playbook: "dormant_recall", templates: { recall: "沉睡召回 Recall with coupon" }, coupon: "recall", segment: "沉睡待唤醒", publish: false },
];

/** Creates the demo journeys (after the messaging templates and the demo segments exist). */
export async function defineDemoJourneys(services: CoreServices, workspaceId: string): Promise<void> {
  const ctx = systemContext(workspaceId);
  const templates = new Map((await services.messaging.templates.list(ctx)).map((t) => [t.name, t.id]));
  const segments = new Map((await services.segments.list(ctx)).map((s) => [s.name, s.id]));
  const coupons = new Map<string, string>();
  for (const [key, body] of Object.entries(DEMO_JOURNEY_COUPONS)) coupons.set(key, (await services.coupons.createTemplate(ctx, body)).id);
  const idOf = (map: Map<string, string>, name: string, what: string) => {
    const id = map.get(name);
    if (!id) throw new Error(`The demo has no ${what} "${name}"`);
    return id;
  };
  for (const journey of DEMO_JOURNEYS) {
    const picks: PlaybookPicks = {
      channel: "inbox",
      templates: Object.fromEntries(Object.entries(journey.templates).map(([slot, name]) => [slot, idOf(templates, name, "message template")])),
      couponTemplateId: journey.coupon ? coupons.get(journey.coupon)! : null,
      segmentId: journey.segment ? idOf(segments, journey.segment, "segment") : null,
    };
    const created = await services.journeys.create(ctx, { ...instantiatePlaybook(journey.playbook, picks), playbook: journey.playbook });
    if (journey.publish) await services.journeys.publish(ctx, created.id);
  }
}
