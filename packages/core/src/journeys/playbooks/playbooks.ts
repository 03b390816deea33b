import { JourneyBody, type Channel, type JourneyAction, type JourneyInput, type JourneyTrigger, type JourneyWait, type PlaybookDto } from "@siyu/contracts";
import { playbookErrors } from "./playbooks.errors";

/**
 * The brand plans' SOPs as journey playbooks. Each is a small graph (trigger → waits / actions)
 * whose templates, coupon template and segment the operator picks; `instantiatePlaybook` fills them
 * in. Names are the operators' (zh-CN), descriptions English. docs/modules/journey-triggers.md.
 */

/** What an operator picks to start a journey from a playbook. */
export interface PlaybookPicks {
  /** Message template per slot the playbook names (e.g. welcome, reminder). */
  templates: Record<string, string>;
  couponTemplateId?: string | null;
  segmentId?: string | null;
  /** The channel every send uses (default: WeCom). */
  channel?: Channel;
}

interface Fill {
  template(slot: string): string;
  coupon(): string;
  segment(): string;
  channel: Channel;
}

type Step =
  | { wait: JourneyWait }
  | { action: JourneyAction }
  /** A wait for an event: "event" exits, "timeout" goes on. */
  | { waitFor: Extract<JourneyWait, { kind: "until_event" }> };

interface PlaybookSpec {
  key: string;
  name: string;
  description: string;
  templates: string[];
  coupon: boolean;
  segment: boolean;
  settings: NonNullable<JourneyInput["settings"]>;
  trigger(f: Fill): JourneyTrigger;
  steps(f: Fill): Step[];
}

/** A straight graph: trigger, then each step on its own row, then an exit (a wait-for-event's "event" exits early). */
function straightGraph(trigger: JourneyTrigger, steps: Step[]): JourneyInput["graph"] {
  const nodes: JourneyInput["graph"]["nodes"] = [{ id: "trigger", type: "trigger", position: { x: 0, y: 0 }, trigger }];
  const edges: JourneyInput["graph"]["edges"] = [];
  let previous = { id: "trigger", handle: "next" };
  const earlyExits: string[] = [];
  steps.forEach((step, i) => {
    const id = `step_${i + 1}`;
    const position = { x: 0, y: (i + 1) * 140 };
    if ("action" in step) nodes.push({ id, type: "action", position, action: step.action });
    else nodes.push({ id, type: "wait", position, wait: "wait" in step ? step.wait : step.waitFor });
    edges.push({ from: previous.id, handle: previous.handle, to: id });
    if ("waitFor" in step) earlyExits.push(id);
    previous = { id, handle: "waitFor" in step ? "timeout" : "next" };
  });
  const exitY = (steps.length + 1) * 140;
  nodes.push({ id: "exit", type: "exit", position: { x: 0, y: exitY } });
  edges.push({ from: previous.id, handle: previous.handle, to: "exit" });
  if (earlyExits.length > 0) {
    nodes.push({ id: "exit_converted", type: "exit", position: { x: 320, y: exitY } });
    for (const id of earlyExits) edges.push({ from: id, handle: "event", to: "exit_converted" });
  }
  return { nodes, edges };
}

const DAY_MINUTES = 24 * 60;
const send = (f: Fill, slot: string, category: "targeted" | "general" | "service" = "targeted"): Step => ({ action: { kind: "send", channel: f.channel, templateId: f.template(slot), category } });
const coupon = (f: Fill): Step => ({ action: { kind: "issue_coupon", templateId: f.coupon() } });
const purchaseGoal = (hours: number) => ({ event: "Order Completed", where: [], withinHours: hours });

const SPECS: PlaybookSpec[] = [
  {
    key: "welcome_new_member",
    name: "新会员欢迎与 7 日新人任务",
    description: "Welcome + 7-day new-member tasks: on sign-up, a welcome message; a day later, a reminder of the new-member task list.",
    templates: ["welcome", "tasks_reminder"],
    coupon: false,
    segment: false,
    settings: { entry: { mode: "once" } },
    trigger: () => ({ kind: "event", event: "Signed Up", where: [], count: null }),
    steps: (f) => [send(f, "welcome"), { wait: { kind: "duration", minutes: DAY_MINUTES } }, send(f, "tasks_reminder")],
  },
  {
    key: "product_views_coupon",
    name: "多次浏览专属券",
    description: "More than 5 views of a product in 7 days: an exclusive coupon and a message about it (at most once a week).",
    templates: ["exclusive_coupon"],
    coupon: true,
    segment: false,
    settings: { entry: { mode: "cooldown", hours: 7 * 24 }, goal: purchaseGoal(72) },
    trigger: () => ({ kind: "event", event: "Product Viewed", where: [], count: { atLeast: 6, withinDays: 7 } }),
    steps: (f) => [coupon(f), send(f, "exclusive_coupon")],
  },
  {
    key: "cart_abandoned_offer",
    name: "加购未支付限时优惠",
    description: "Cart abandoned: after Product Added, wait up to 30 minutes for Order Completed; if none, a limited-time coupon and a message.",
    templates: ["limited_offer"],
    coupon: true,
    segment: false,
    settings: { entry: { mode: "cooldown", hours: 24 }, goal: purchaseGoal(48) },
    trigger: () => ({ kind: "event", event: "Product Added", where: [], count: null }),
    steps: (f) => [{ waitFor: { kind: "until_event", event: "Order Completed", where: [], timeoutMinutes: 30 } }, coupon(f), send(f, "limited_offer")],
  },
  {
    key: "post_purchase_cross_sell",
    name: "购后关联推荐",
    description: "Post-purchase cross-sell: two days after an order, recommend related products.",
    templates: ["recommendation"],
    coupon: false,
    segment: false,
    settings: { entry: { mode: "every_time" }, goal: purchaseGoal(7 * 24) },
    trigger: () => ({ kind: "event", event: "Order Completed", where: [], count: null }),
    steps: (f) => [{ wait: { kind: "duration", minutes: 2 * DAY_MINUTES } }, send(f, "recommendation")],
  },
  {
    key: "birthday_care",
    name: "生日关怀",
    description: "Birthday care: on the birthday trait's day at 10:00 local time, a birthday coupon and a greeting (29 February birthdays on 28 February in other years).",
    templates: ["birthday"],
    coupon: true,
    segment: false,
    settings: { entry: { mode: "every_time" } },
    trigger: () => ({ kind: "date_trait", trait: "birthday", anniversary: true, offsetDays: 0, at: "10:00" }),
    steps: (f) => [coupon(f), send(f, "birthday")],
  },
  {
    key: "dormant_recall",
    name: "沉睡会员召回",
    description: "Dormant recall: a customer entering the dormant segment (90 days without activity) gets a recall coupon and message, at most every 3 days.",
    templates: ["recall"],
    coupon: true,
    segment: true,
    settings: { entry: { mode: "cooldown", hours: 72 }, goal: purchaseGoal(14 * 24) },
    trigger: (f) => ({ kind: "segment_entered", segmentId: f.segment() }),
    steps: (f) => [coupon(f), send(f, "recall")],
  },
  {
    key: "expiry_reminder",
    name: "积分/优惠券到期提醒",
    description:
      "Points and coupons expiring: every day at 10:00, a reminder to the members of a segment whose points or coupons expire soon (the segment rules have no points-expiry condition yet: pick a segment built for it, e.g. from a tag the expiry job sets).",
    templates: ["expiry_reminder"],
    coupon: false,
    segment: true,
    settings: { entry: { mode: "cooldown", hours: 72 } },
    trigger: (f) => ({ kind: "schedule", segmentId: f.segment(), at: "10:00", weekdays: [] }),
    steps: (f) => [send(f, "expiry_reminder", "service")],
  },
  {
    key: "tier_upgrade_congrats",
    name: "会员升级祝贺",
    description: "Tier upgrade: congratulate a member who moves up a tier, with the new level's benefits.",
    templates: ["tier_upgrade"],
    coupon: false,
    segment: false,
    settings: { entry: { mode: "every_time" } },
    trigger: () => ({ kind: "tier_changed", direction: "up", to: null }),
    steps: (f) => [send(f, "tier_upgrade")],
  },
];

const needsOf = (spec: PlaybookSpec) => [...spec.templates.map((t) => `template:${t}`), ...(spec.coupon ? ["coupon_template"] : []), ...(spec.segment ? ["segment"] : [])];

/** A well-formed stand-in id per slot, shown in the list until the operator picks the real one. */
function placeholder(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

function build(spec: PlaybookSpec, fill: Fill): JourneyBody {
  return JourneyBody.parse({
    name: spec.name,
    description: spec.description,
    graph: straightGraph(spec.trigger(fill), spec.steps(fill)),
    settings: spec.settings,
  } satisfies JourneyInput);
}

function placeholders(spec: PlaybookSpec): Fill {
  return {
    template: (slot) => placeholder(1 + spec.templates.indexOf(slot)),
    coupon: () => placeholder(0xc0),
    segment: () => placeholder(0x5e),
    channel: "wecom",
  };
}

/** Every playbook, its journey with placeholder ids where the operator's picks go. */
export function listPlaybooks(): PlaybookDto[] {
  return SPECS.map((spec) => ({ key: spec.key, name: spec.name, description: spec.description, needs: needsOf(spec), journey: build(spec, placeholders(spec)) }));
}

export const PLAYBOOK_KEYS = SPECS.map((s) => s.key);

/** The journey (a draft's body) of playbook `key` with the operator's picks. Missing picks → playbooks.missing_pick naming the need. */
export function instantiatePlaybook(key: string, picks: PlaybookPicks): JourneyBody {
  const spec = SPECS.find((s) => s.key === key);
  if (!spec) throw playbookErrors.error("playbooks.not_found", `No playbook "${key}"`, { path: "playbook" });
  const missing = (need: string, path: string): never => {
    throw playbookErrors.error("playbooks.missing_pick", `The playbook needs ${need}`, { path, need });
  };
  return build(spec, {
    template: (slot) => picks.templates[slot] ?? missing(`template:${slot}`, `templates.${slot}`),
    coupon: () => picks.couponTemplateId ?? missing("coupon_template", "couponTemplateId"),
    segment: () => picks.segmentId ?? missing("segment", "segmentId"),
    channel: picks.channel ?? "wecom",
  });
}
