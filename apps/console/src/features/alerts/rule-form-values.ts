import type { AlertCondition, AlertMetric, AlertRuleBody, AlertRuleInput, AlertSeverity } from "@siyu/contracts";
import { parseIssuePath } from "../../lib/api";
import type { ValidationIssue } from "../../lib/api/field-errors";

export type MetricKind = AlertMetric["kind"];
export type ConditionKind = AlertCondition["kind"];
export type Direction = "above" | "below" | "either";

export const METRIC_KINDS: readonly MetricKind[] = ["active_customers", "new_customers", "orders", "revenue", "event_count", "event_ratio", "property_average"];
export const CONDITION_KINDS: readonly ConditionKind[] = ["threshold", "band", "change", "forecast"];

/** The rule form: the nested metric and condition flattened into one field each, kept while the kind changes. */
export type RuleFormValues = {
  name: string;
  metricKind: MetricKind;
  event: string;
  per: string;
  property: string;
  granularity: "day" | "week";
  conditionKind: ConditionKind;
  direction: Direction;
  value: number | null;
  k: number | null;
  window: number | null;
  percent: number | null;
  factor: number | null;
  consecutive: number | null;
  severity: AlertSeverity;
  enabled: boolean;
  webhookUrl: string;
  plan: string;
};

export const EMPTY_RULE_FORM: RuleFormValues = {
  name: "",
  metricKind: "event_count",
  event: "",
  per: "Order Completed",
  property: "",
  granularity: "day",
  conditionKind: "change",
  direction: "above",
  value: 0,
  k: 2,
  window: 14,
  percent: 30,
  factor: 1.5,
  consecutive: 1,
  severity: "warning",
  enabled: true,
  webhookUrl: "",
  plan: "",
};

/** The metric kinds that name an event, a denominator event, a numeric property. */
export const needsEvent = (kind: MetricKind) => kind === "event_count" || kind === "event_ratio" || kind === "property_average";
export const needsPer = (kind: MetricKind) => kind === "event_ratio";
export const needsProperty = (kind: MetricKind) => kind === "property_average";

export function ruleToForm(rule: AlertRuleBody): RuleFormValues {
  const m = rule.metric;
  const c = rule.condition;
  return {
    ...EMPTY_RULE_FORM,
    name: rule.name,
    metricKind: m.kind,
    event: "event" in m ? m.event : "",
    per: m.kind === "event_ratio" ? m.per : EMPTY_RULE_FORM.per,
    property: m.kind === "property_average" ? m.property : "",
    granularity: rule.granularity,
    conditionKind: c.kind,
    direction: "direction" in c ? c.direction : EMPTY_RULE_FORM.direction,
    value: c.kind === "threshold" ? c.value : EMPTY_RULE_FORM.value,
    k: c.kind === "band" ? c.k : EMPTY_RULE_FORM.k,
    window: c.kind === "band" || c.kind === "forecast" ? c.window : EMPTY_RULE_FORM.window,
    percent: c.kind === "change" ? c.percent : EMPTY_RULE_FORM.percent,
    factor: c.kind === "forecast" ? c.factor : EMPTY_RULE_FORM.factor,
    consecutive: rule.consecutive,
    severity: rule.severity,
    enabled: rule.enabled,
    webhookUrl: rule.webhookUrl ?? "",
    plan: rule.plan ?? "",
  };
}

/** Empty numbers go as NaN so the server names the field rather than the form guessing a value. */
const num = (v: number | null | undefined) => (typeof v === "number" ? v : Number.NaN);

function toMetric(v: RuleFormValues): AlertMetric {
  const event = (v.event ?? "").trim();
  switch (v.metricKind) {
    case "event_count":
      return { kind: "event_count", event };
    case "event_ratio":
      return { kind: "event_ratio", event, per: (v.per ?? "").trim() };
    case "property_average":
      return { kind: "property_average", event, property: (v.property ?? "").trim() };
    default:
      return { kind: v.metricKind };
  }
}

function toCondition(v: RuleFormValues): AlertCondition {
  switch (v.conditionKind) {
    case "threshold":
      return { kind: "threshold", direction: v.direction === "below" ? "below" : "above", value: num(v.value) };
    case "band":
      return { kind: "band", direction: v.direction, k: num(v.k), window: num(v.window) };
    case "change":
      return { kind: "change", percent: num(v.percent) };
    case "forecast":
      return { kind: "forecast", factor: num(v.factor), window: num(v.window) };
  }
}

export function formToRule(v: RuleFormValues): AlertRuleInput {
  return {
    name: (v.name ?? "").trim(),
    metric: toMetric(v),
    granularity: v.granularity,
    condition: toCondition(v),
    consecutive: num(v.consecutive),
    severity: v.severity,
    enabled: v.enabled,
    webhookUrl: v.webhookUrl?.trim() ? v.webhookUrl.trim() : null,
    plan: v.plan?.trim() ? v.plan.trim() : null,
  };
}

const FIELDS = new Set<string>(Object.keys(EMPTY_RULE_FORM));

/**
 * The form field a server issue is about: `metric.event` → event, `condition.percent` → percent,
 * a refused `metric` or `condition` as a whole → its kind; null when no field shows it.
 */
export function ruleIssueField(path: string): keyof RuleFormValues | null {
  const [first, second] = parseIssuePath(path);
  if (first === "metric" || first === "condition") {
    if (typeof second === "string" && second !== "kind" && FIELDS.has(second)) return second as keyof RuleFormValues;
    return first === "metric" ? "metricKind" : "conditionKind";
  }
  return typeof first === "string" && FIELDS.has(first) ? (first as keyof RuleFormValues) : null;
}

/** Validation issues next to their fields; the rest as messages. */
export function mapRuleIssues(issues: readonly ValidationIssue[]): { fieldErrors: { name: keyof RuleFormValues; errors: string[] }[]; otherMessages: string[] } {
  const byField = new Map<keyof RuleFormValues, string[]>();
  const otherMessages: string[] = [];
  for (const issue of issues) {
    const field = ruleIssueField(issue.path);
    if (field) byField.set(field, [...(byField.get(field) ?? []), issue.message]);
    else otherMessages.push(issue.path ? `${issue.path}: ${issue.message}` : issue.message);
  }
  return { fieldErrors: [...byField].map(([name, errors]) => ({ name, errors })), otherMessages };
}

/** The editable terms of a saved rule (for the enable switch, which PUTs the rule back). */
export function ruleBodyOf(rule: AlertRuleBody): AlertRuleBody {
  const { name, metric, granularity, condition, consecutive, severity, enabled, webhookUrl, plan } = rule;
  return { name, metric, granularity, condition, consecutive, severity, enabled, webhookUrl, plan };
}
