import { z } from "zod";
import { Id, IsoDateTime, LocalDate } from "./common";

// Alert rules on metric series (threshold, mean ± kσ band, % change, above a forecast), evaluated on
// complete periods in the workspace's time zone, k periods running. docs/modules/alerts.md.

const EventName = z.string().trim().min(1).max(200);

export const AlertMetric = z.discriminatedUnion("kind", [
  /** Customers with any event in the period. */
  z.strictObject({ kind: z.literal("active_customers") }),
  /** Customers whose first event falls in the period. */
  z.strictObject({ kind: z.literal("new_customers") }),
  /** Order Completed events. */
  z.strictObject({ kind: z.literal("orders") }),
  /** Revenue of Order Completed events (total, else revenue, as sent). */
  z.strictObject({ kind: z.literal("revenue") }),
  z.strictObject({ kind: z.literal("event_count"), event: EventName }),
  /** Count of `event` ÷ count of `per` in the period (e.g. complaints per order); no `per` events → no value. */
  z.strictObject({ kind: z.literal("event_ratio"), event: EventName, per: EventName }),
  /** Average of a numeric property of an event (e.g. the stock level a store reports). */
  z.strictObject({ kind: z.literal("property_average"), event: EventName, property: z.string().trim().min(1).max(200) }),
]);
export type AlertMetric = z.infer<typeof AlertMetric>;

export const AlertCondition = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("threshold"), direction: z.enum(["above", "below"]), value: z.number() }),
  /** Outside mean ± k·σ of the `window` periods before (sample standard deviation). */
  z.strictObject({ kind: z.literal("band"), direction: z.enum(["above", "below", "either"]), k: z.number().positive().max(10), window: z.int().min(3).max(366) }),
  /** Change from the period before, in percent: +30 → rose by at least 30 %; −30 → fell by at least 30 %. */
  z.strictObject({ kind: z.literal("change"), percent: z.number().refine((p) => p !== 0, "must not be 0") }),
  /** Above `factor` × the forecast: the mean of the `window` periods before. */
  z.strictObject({ kind: z.literal("forecast"), factor: z.number().positive().max(100), window: z.int().min(1).max(366) }),
]);
export type AlertCondition = z.infer<typeof AlertCondition>;

export const ALERT_SEVERITIES = ["info", "warning", "emergency"] as const;
export const AlertSeverity = z.enum(ALERT_SEVERITIES);
export type AlertSeverity = z.infer<typeof AlertSeverity>;

export const AlertRuleBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  metric: AlertMetric,
  granularity: z.enum(["day", "week"]),
  condition: AlertCondition,
  /** The condition must hold this many complete periods in a row to fire. */
  consecutive: z.int().min(1).max(52).default(1),
  severity: AlertSeverity.default("warning"),
  enabled: z.boolean().default(true),
  /** Also POSTed, signed as the Standard Webhooks spec describes, when the alert fires or resolves. */
  webhookUrl: z.url({ protocol: /^https?$/ }).max(2000).nullable().default(null),
  /** What the operators should do (the brand plans' activation plan); shown with the alert. */
  plan: z.string().max(2000).nullable().default(null),
});
export type AlertRuleBody = z.infer<typeof AlertRuleBody>;
export type AlertRuleInput = z.input<typeof AlertRuleBody>;

export const AlertRuleDto = AlertRuleBody.extend({
  id: Id,
  /** Set on the rules installed from the brand plans' defaults. */
  code: z.string().nullable(),
  state: z.enum(["ok", "firing"]),
  /** The last complete period evaluated (its first day). */
  evaluatedThrough: LocalDate.nullable(),
  /** Webhook signing secret (whsec_…), shown to those who manage alerts. */
  webhookSecret: z.string().nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type AlertRuleDto = z.infer<typeof AlertRuleDto>;
export const AlertRuleListDto = z.object({ items: z.array(AlertRuleDto) });
export type AlertRuleListDto = z.infer<typeof AlertRuleListDto>;

export const AlertEventDto = z.object({
  id: Id,
  ruleId: Id,
  ruleName: z.string(),
  severity: AlertSeverity,
  kind: z.enum(["fired", "resolved"]),
  /** The period that fired (the last of the consecutive ones) or resolved. */
  periodStart: LocalDate,
  value: z.number().nullable(),
  /** The bound the value crossed (threshold, band edge, change base × (1 + p), factor × forecast). */
  bound: z.number().nullable(),
  message: z.string(),
  plan: z.string().nullable(),
  createdAt: IsoDateTime,
  acknowledgedAt: IsoDateTime.nullable(),
  webhook: z.enum(["none", "pending", "delivered", "failed"]),
});
export type AlertEventDto = z.infer<typeof AlertEventDto>;
export const AlertEventListDto = z.object({ items: z.array(AlertEventDto), unacknowledged: z.number() });
export type AlertEventListDto = z.infer<typeof AlertEventListDto>;

export const AlertSeriesPointDto = z.object({
  periodStart: LocalDate,
  value: z.number().nullable(),
  /** The bound for this period (null while the window is still filling). */
  bound: z.number().nullable(),
  breached: z.boolean(),
});
export const AlertPreviewDto = z.object({ points: z.array(AlertSeriesPointDto), fires: z.array(LocalDate), resolves: z.array(LocalDate) });
export type AlertPreviewDto = z.infer<typeof AlertPreviewDto>;

export const AlertRuleParams = z.strictObject({ workspaceId: Id, ruleId: Id });
export const AlertEventParams = z.strictObject({ workspaceId: Id, eventId: Id });
export const AlertEventsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  unacknowledged: z.enum(["true", "false"]).optional(),
});
