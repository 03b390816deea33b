import { AlertRuleBody, type AlertRuleInput } from "@siyu/contracts";
import { describe, expect, it } from "vitest";
import { EMPTY_RULE_FORM, formToRule, mapRuleIssues, ruleIssueField, ruleToForm } from "./rule-form-values";

const rules: AlertRuleInput[] = [
  { name: "Active low", metric: { kind: "active_customers" }, granularity: "week", condition: { kind: "band", direction: "below", k: 2, window: 12 }, consecutive: 2 },
  { name: "Complaint rate", metric: { kind: "event_ratio", event: "Complaint Filed", per: "Order Completed" }, granularity: "week", condition: { kind: "threshold", direction: "above", value: 0.005 }, consecutive: 2, plan: "Call back" },
  { name: "Surge", metric: { kind: "event_count", event: "Complaint Filed" }, granularity: "day", condition: { kind: "change", percent: 30 }, severity: "emergency", webhookUrl: "https://hooks.example.com/a" },
  { name: "Stock", metric: { kind: "property_average", event: "Stock Reported", property: "level" }, granularity: "day", condition: { kind: "band", direction: "either", k: 1.5, window: 14 }, enabled: false },
  { name: "Revenue", metric: { kind: "revenue" }, granularity: "day", condition: { kind: "forecast", factor: 1.5, window: 28 }, severity: "info" },
];

describe("alert rule form", () => {
  it("round-trips every metric and condition kind", () => {
    for (const input of rules) {
      const rule = AlertRuleBody.parse(input);
      expect(AlertRuleBody.parse(formToRule(ruleToForm(rule)))).toEqual(rule);
    }
  });

  it("sends only the fields of the chosen kinds, trimmed, and empty optional text as null", () => {
    const form = { ...EMPTY_RULE_FORM, name: "  Surge ", metricKind: "orders" as const, event: "ignored", conditionKind: "threshold" as const, direction: "either" as const, value: 10, webhookUrl: "  ", plan: "" };
    expect(formToRule(form)).toEqual({
      name: "Surge",
      metric: { kind: "orders" },
      granularity: "day",
      condition: { kind: "threshold", direction: "above", value: 10 },
      consecutive: 1,
      severity: "warning",
      enabled: true,
      webhookUrl: null,
      plan: null,
    });
  });

  it("leaves an emptied number for the server to refuse, naming the field", () => {
    const body = formToRule({ ...EMPTY_RULE_FORM, name: "x", event: "Complaint Filed", percent: null });
    expect(AlertRuleBody.safeParse(body).success).toBe(false);
  });

  it("puts the server's issues next to the flattened fields", () => {
    expect(ruleIssueField("body.metric.event")).toBe("event");
    expect(ruleIssueField("condition.percent")).toBe("percent");
    expect(ruleIssueField("body.condition")).toBe("conditionKind");
    expect(ruleIssueField("metric.kind")).toBe("metricKind");
    expect(ruleIssueField("webhookUrl")).toBe("webhookUrl");
    expect(ruleIssueField("body.other")).toBeNull();
    expect(mapRuleIssues([{ path: "body.condition.window", message: "Too small" }, { path: "body.other", message: "Nope" }])).toEqual({
      fieldErrors: [{ name: "window", errors: ["Too small"] }],
      otherMessages: ["body.other: Nope"],
    });
  });
});
