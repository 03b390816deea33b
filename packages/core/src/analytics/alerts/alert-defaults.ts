import type { AlertRuleInput } from "@siyu/contracts";

/**
 * The brand plans' alert rules, installed on request (POST /alerts/rules/defaults) and editable
 * like any other rule: each number is a starting point the operator changes.
 */
export const DEFAULT_ALERT_RULES: readonly (AlertRuleInput & { code: string })[] = [
  {
    code: "active_customers_low",
    name: "Active customers below mean − 2σ, two weeks running",
    metric: { kind: "active_customers" },
    granularity: "week",
    condition: { kind: "band", direction: "below", k: 2, window: 12 },
    consecutive: 2,
    severity: "warning",
    plan: "Start the recall plan: check which segments stopped coming, send the dormant-customer recall with a coupon, review last weeks' campaigns.",
  },
  {
    code: "complaint_rate_high",
    name: "Complaint rate above 0.5 %, two weeks running",
    metric: { kind: "event_ratio", event: "Complaint Filed", per: "Order Completed" },
    granularity: "week",
    condition: { kind: "threshold", direction: "above", value: 0.005 },
    consecutive: 2,
    severity: "warning",
    plan: "Review the complaints by store and product with the service team; call back the customers who complained.",
  },
  {
    code: "complaints_surge",
    name: "Complaints +30 % day over day",
    metric: { kind: "event_count", event: "Complaint Filed" },
    granularity: "day",
    condition: { kind: "change", percent: 30 },
    consecutive: 1,
    severity: "emergency",
    plan: "Emergency: find the common cause (store, product, delivery) today and post a response in the customer groups.",
  },
  {
    code: "stock_low",
    name: "Stock below mean − 2σ",
    metric: { kind: "property_average", event: "Stock Reported", property: "level" },
    granularity: "day",
    condition: { kind: "band", direction: "below", k: 2, window: 14 },
    consecutive: 1,
    severity: "warning",
    plan: "Check replenishment with the stores; pause campaigns pushing the short products.",
  },
  {
    code: "revenue_above_forecast",
    name: "Revenue above 1.5 × forecast",
    metric: { kind: "revenue" },
    granularity: "day",
    condition: { kind: "forecast", factor: 1.5, window: 28 },
    consecutive: 1,
    severity: "info",
    plan: "Review what drove it (campaign, store, product) and whether stock and staff can follow.",
  },
];
