import type { JourneyAction, JourneyCondition, JourneyNode, JourneyTrigger, JourneyWait, PropertyFilter, SegmentRule } from "@siyu/contracts";
import type { TranslateFn } from "../../../lib/i18n";
import { UNPICKED } from "./node-model";

export type ReferenceKind = "message_template" | "coupon_template" | "tag" | "segment";

export type SummaryContext = {
  t: TranslateFn;
  /** The name of a referenced template / coupon template / tag / segment, when known. */
  name?: (kind: ReferenceKind, id: string) => string | undefined;
};

/** 30 → "30 min", 120 → "2 h", 2880 → "2 d". */
export function formatMinutes(minutes: number, t: TranslateFn): string {
  if (minutes % 1440 === 0) return t("journeys.duration.days", { n: minutes / 1440 });
  if (minutes % 60 === 0) return t("journeys.duration.hours", { n: minutes / 60 });
  return t("journeys.duration.minutes", { n: minutes });
}

export function formatWeekdays(weekdays: readonly number[], t: TranslateFn): string {
  if (weekdays.length === 0 || weekdays.length === 7) return t("journeys.weekday.daily");
  return [...weekdays].sort((a, b) => a - b).map((d) => t(`journeys.weekday.${d as 1 | 2 | 3 | 4 | 5 | 6 | 7}`)).join(", ");
}

function nameOf(ctx: SummaryContext, kind: ReferenceKind, id: string | null): string {
  if (id === null) return t0(ctx);
  if (id === UNPICKED) return ctx.t("journeys.inspector.pick");
  return ctx.name?.(kind, id) ?? id.slice(0, 8);
}
const t0 = (ctx: SummaryContext) => ctx.t("journeys.summary.any");

function filters(where: readonly PropertyFilter[], t: TranslateFn): string {
  if (where.length === 0) return "";
  const text = where.map((f) => `${f.property} ${t(`journeys.op.${f.op}`)}${f.value === undefined ? "" : ` ${Array.isArray(f.value) ? f.value.join(", ") : String(f.value)}`}`).join(", ");
  return t("journeys.summary.where", { filters: text });
}

function countRuleConditions(rule: SegmentRule): number {
  if (rule.type === "and" || rule.type === "or") return rule.rules.reduce((n, r) => n + countRuleConditions(r), 0);
  if (rule.type === "not") return countRuleConditions(rule.rule);
  return 1;
}

export function summarizeTrigger(trigger: JourneyTrigger, ctx: SummaryContext): string {
  const { t } = ctx;
  switch (trigger.kind) {
    case "event":
      return (
        (trigger.count
          ? t("journeys.summary.trigger.eventCount", { event: trigger.event, atLeast: trigger.count.atLeast, days: trigger.count.withinDays })
          : t("journeys.summary.trigger.event", { event: trigger.event })) + filters(trigger.where, t)
      );
    case "segment_entered":
    case "segment_exited":
      return t(`journeys.summary.trigger.${trigger.kind}`, { segment: nameOf(ctx, "segment", trigger.segmentId) });
    case "date_trait":
      return t(trigger.anniversary ? "journeys.summary.trigger.anniversary" : "journeys.summary.trigger.date", {
        trait: trigger.trait,
        offset: trigger.offsetDays === 0 ? t("journeys.summary.onTheDay") : t(trigger.offsetDays < 0 ? "journeys.summary.daysBefore" : "journeys.summary.daysAfter", { n: Math.abs(trigger.offsetDays) }),
        at: trigger.at,
      });
    case "tier_changed":
      return t(`journeys.summary.trigger.tier.${trigger.direction}`, { to: trigger.to ?? t0(ctx) });
    case "lifecycle_changed":
      return t("journeys.summary.trigger.lifecycle", { to: trigger.to ?? t0(ctx) });
    case "schedule":
      return t("journeys.summary.trigger.schedule", {
        who: trigger.segmentId === null ? t("journeys.summary.everyone") : nameOf(ctx, "segment", trigger.segmentId),
        days: formatWeekdays(trigger.weekdays, t),
        at: trigger.at,
      });
    case "api":
      return t("journeys.summary.trigger.api");
  }
}

export function summarizeWait(wait: JourneyWait, ctx: SummaryContext): string {
  const { t } = ctx;
  switch (wait.kind) {
    case "duration":
      return t("journeys.summary.wait.duration", { duration: formatMinutes(wait.minutes, t) });
    case "until_time":
      return t("journeys.summary.wait.untilTime", { at: wait.at, days: formatWeekdays(wait.weekdays, t) });
    case "until_event":
      return t("journeys.summary.wait.untilEvent", { event: wait.event, duration: formatMinutes(wait.timeoutMinutes, t) }) + filters(wait.where, t);
  }
}

export function summarizeCondition(condition: JourneyCondition, ctx: SummaryContext): string {
  const { t } = ctx;
  switch (condition.kind) {
    case "rule":
      return t("journeys.summary.condition.rule", { n: countRuleConditions(condition.rule) });
    case "coupon_held":
      return t("journeys.summary.condition.couponHeld", { template: nameOf(ctx, "coupon_template", condition.templateId) });
    case "trigger_event":
      return t("journeys.summary.condition.triggerEvent") + filters(condition.where, t);
  }
}

export function summarizeAction(action: JourneyAction, ctx: SummaryContext): string {
  const { t } = ctx;
  switch (action.kind) {
    case "send":
      return t("journeys.summary.action.send", { channel: t(`journeys.channel.${action.channel}`), template: nameOf(ctx, "message_template", action.templateId) });
    case "issue_coupon":
      return t("journeys.summary.action.issueCoupon", { template: nameOf(ctx, "coupon_template", action.templateId) });
    case "award_points":
      return t("journeys.summary.action.awardPoints", { points: action.points });
    case "add_tag":
      return t("journeys.summary.action.addTag", { tag: nameOf(ctx, "tag", action.tagId) });
    case "remove_tag":
      return t("journeys.summary.action.removeTag", { tag: nameOf(ctx, "tag", action.tagId) });
    case "webhook": {
      let host = action.url;
      try {
        host = new URL(action.url).host;
      } catch {
        /* shown as typed */
      }
      return t("journeys.summary.action.webhook", { host });
    }
    case "store_task":
      return t("journeys.summary.action.storeTask", { title: action.title });
  }
}

/** The one line a canvas node shows, e.g. "Wait until Order Completed · 30 min". */
export function summarizeNode(node: JourneyNode, ctx: SummaryContext): string {
  switch (node.type) {
    case "trigger":
      return summarizeTrigger(node.trigger, ctx);
    case "wait":
      return summarizeWait(node.wait, ctx);
    case "condition":
      return summarizeCondition(node.condition, ctx);
    case "split":
      return node.branches.map((b) => `${b.label || b.key} ${b.percent}%`).join(" / ");
    case "action":
      return summarizeAction(node.action, ctx);
    case "exit":
      return ctx.t("journeys.summary.exit");
  }
}
