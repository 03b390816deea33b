import { boolean, index, integer, jsonb, pgTable, real, text, timestamp, uniqueIndex, uuid } from "@siyu/storage/pg-core";

/** Alert rules on metric series, and where their evaluation stands. */
export const alertRules = pgTable(
  "alert_rules",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    /** The brand plans' defaults carry a code, so installing them twice adds nothing. */
    code: text("code"),
    name: text("name").notNull(),
    metric: jsonb("metric").$type<Record<string, unknown>>().notNull(),
    granularity: text("granularity").notNull(),
    condition: jsonb("condition").$type<Record<string, unknown>>().notNull(),
    consecutive: integer("consecutive").notNull(),
    severity: text("severity").notNull(),
    enabled: boolean("enabled").notNull(),
    webhookUrl: text("webhook_url"),
    webhookSecret: text("webhook_secret"),
    plan: text("plan"),
    /** ok | firing */
    state: text("state").notNull().default("ok"),
    /** Breached periods in a row up to evaluated_through. */
    streak: integer("streak").notNull().default(0),
    /** The first day of the last complete period evaluated. */
    evaluatedThrough: text("evaluated_through"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (t) => [uniqueIndex("alert_rules_code").on(t.workspaceId, t.code), index("alert_rules_workspace").on(t.workspaceId)],
);

/**
 * What the operators see (a console notification until acknowledged) and the webhook outbox: a
 * fired or resolved alert is written with its delivery pending, in the transaction that moves the
 * rule's state; the delivery loop sends it, retrying with backoff.
 */
export const alertEvents = pgTable(
  "alert_events",
  {
    id: uuid("id").primaryKey(),
    workspaceId: uuid("workspace_id").notNull(),
    ruleId: uuid("rule_id").notNull(),
    kind: text("kind").notNull(),
    periodStart: text("period_start").notNull(),
    value: real("value"),
    bound: real("bound"),
    message: text("message").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    acknowledgedAt: timestamp("acknowledged_at", { withTimezone: true }),
    acknowledgedBy: text("acknowledged_by"),
    /** none | pending | delivered | failed */
    webhookStatus: text("webhook_status").notNull(),
    webhookAttempts: integer("webhook_attempts").notNull().default(0),
    webhookNextAt: timestamp("webhook_next_at", { withTimezone: true }),
    webhookError: text("webhook_error"),
  },
  (t) => [
    uniqueIndex("alert_events_once").on(t.ruleId, t.kind, t.periodStart),
    index("alert_events_workspace").on(t.workspaceId, t.createdAt),
    index("alert_events_webhook_due").on(t.webhookStatus, t.webhookNextAt),
  ],
);
