import type { EventWindow, PropertyFilter, RuleValue, SegmentRule } from "@siyu/contracts";
import type { TranslateFn } from "../../../lib/i18n";

export type DescribeContext = {
  t: TranslateFn;
  traitLabel?: (key: string) => string | undefined;
  segmentName?: (id: string) => string | undefined;
  storeName?: (id: string) => string | undefined;
};

function formatValue(value: RuleValue | undefined, t: TranslateFn, op?: string): string {
  if (value === undefined) return "";
  if (Array.isArray(value)) {
    if (op === "between" && value.length === 2) return `${String(value[0])} ${t("segments.value.and")} ${String(value[1])}`;
    return value.map((v) => (typeof v === "string" ? `“${v}”` : String(v))).join(", ");
  }
  if (typeof value === "boolean") return t(value ? "segments.value.true" : "segments.value.false");
  if (typeof value === "string") return `“${value}”`;
  if (op === "in_last_days" || op === "not_in_last_days" || op === "anniversary_in_next_days") return `${value} ${t("segments.value.days")}`;
  return String(value);
}

function describeWindow(window: EventWindow, t: TranslateFn): string {
  switch (window.kind) {
    case "ever":
      return t("segments.describe.window.ever");
    case "in_last_days":
      return t("segments.describe.window.in_last_days", { days: window.days });
    case "before_last_days":
      return t("segments.describe.window.before_last_days", { days: window.days });
    case "between":
      return t("segments.describe.window.between", { from: window.from.slice(0, 10), to: window.to.slice(0, 10) });
  }
}

function describeWhere(where: readonly PropertyFilter[] | undefined, t: TranslateFn): string {
  if (!where?.length) return "";
  const filters = where.map((f) => `${f.property} ${t(`segments.op.${f.op}`)} ${formatValue(f.value, t, f.op)}`.trim()).join(t("segments.describe.and"));
  return t("segments.describe.where", { filters });
}

/** The rule in words, for the segment's page and the list's tooltips: "city is “Shanghai” and …". */
export function describeRule(rule: SegmentRule, ctx: DescribeContext, nested = false): string {
  const { t } = ctx;
  const list = (items: readonly string[]) => items.join(t("segments.describe.orList"));
  switch (rule.type) {
    case "and":
    case "or": {
      if (rule.rules.length === 0) return nested ? "" : t("segments.describe.all");
      const joined = rule.rules.map((child) => describeRule(child, ctx, true)).join(t(`segments.describe.${rule.type}`));
      return nested && rule.rules.length > 1 ? t("segments.describe.group", { rules: joined }) : joined;
    }
    case "not":
      return t("segments.describe.not", { rule: describeRule(rule.rule, ctx, false) });
    case "trait":
      return t("segments.describe.trait", {
        trait: ctx.traitLabel?.(rule.trait) ?? rule.trait,
        op: t(`segments.op.${rule.op}`),
        value: formatValue(rule.value, t, rule.op),
      }).trim();
    case "event": {
      const measure =
        rule.measure.kind === "count"
          ? t("segments.describe.measure.count")
          : t(`segments.describe.measure.${rule.measure.kind}`, { property: rule.measure.property });
      return t("segments.describe.event", {
        measure,
        event: rule.event,
        where: describeWhere(rule.where, t),
        op: t(`segments.op.${rule.op}`),
        value: formatValue(rule.value, t, rule.op),
        window: describeWindow(rule.window, t),
      });
    }
    case "occurrence":
      return t("segments.describe.occurrence", {
        which: t(`segments.occurrence.${rule.which}`),
        event: rule.event,
        where: describeWhere(rule.where, t),
        window: describeWindow(rule.window, t),
      });
    case "tag":
      return t("segments.describe.tag", { tag: rule.tagId });
    case "rfm":
      return t("segments.describe.rfm", {
        cells: list([
          ...(rule.cells ?? []).map((cell) => t(`segments.rfm.cell.${cell}`)),
          ...(rule.layers ?? []).map((layer) => t(`segments.rfm.layer.${layer}`)),
        ]),
      });
    case "lifecycle":
      return t("segments.describe.lifecycle", { stages: list(rule.stages.map((stage) => t(`segments.lifecycle.${stage}`))) });
    case "value_tier":
      return t("segments.describe.valueTier", { tiers: list(rule.tiers.map((tier) => t(`segments.valueTier.${tier}`))) });
    case "clv":
      return t("segments.describe.clv", {
        metric: t(`segments.clv.${rule.metric}`),
        op: t(`segments.op.${rule.op}`),
        value: formatValue(rule.value, t, rule.op),
      });
    case "segment":
      return t("segments.describe.segment", { segment: `“${ctx.segmentName?.(rule.segmentId) ?? rule.segmentId}”` });
    case "store":
      return t("segments.describe.store", {
        relation: t(`segments.store.${rule.relation}`),
        stores: list(rule.storeIds.map((id) => ctx.storeName?.(id) ?? id)),
      });
    case "consent":
      return t("segments.describe.consent", {
        granted: t(rule.granted ? "segments.consent.granted" : "segments.consent.refused"),
        purpose: t(`segments.consent.${rule.purpose}`),
        channel: rule.channel,
      });
  }
}
