import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull, lte, sql } from "@siyu/storage/orm";
import type { Db, Warehouse } from "@siyu/storage";
import {
  AlertCondition,
  AlertMetric,
  AlertRuleBody,
  type AlertEventDto,
  type AlertEventListDto,
  type AlertPreviewDto,
  type AlertRuleDto,
  type AlertRuleInput,
} from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import { signWebhook } from "../../messaging";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { newId } from "../../shared/ids";
import { addDays, localDay } from "../../shared/local-time";
import { snapshotRefresher } from "../../warehouse";
import { workspaceTimeZone } from "../../workspaces";
import { DEFAULT_ALERT_RULES } from "./alert-defaults";
import { advance, judgeSeries, type JudgedPoint } from "./alert-evaluator";
import { alertErrors } from "./alerts.errors";
import { alertEvents, alertRules } from "./alerts.schema";
import { metricSeries, periodStartOf, shiftPeriods, type Granularity } from "./alerts.warehouse";

export interface AlertsDeps {
  db: Db;
  warehouse?: Warehouse;
  clock: Clock;
  /** Replaces the profile snapshot refresh before an evaluation (tests); null skips it. */
  refreshSnapshot?: ((workspaceId: string) => Promise<unknown>) | null;
  /** Sends a webhook; global fetch unless replaced. */
  fetch?: typeof fetch;
  /** Delivery attempts before a webhook is given up (failed). */
  webhookMaxAttempts?: number;
}

type RuleRow = typeof alertRules.$inferSelect;
type EventRow = typeof alertEvents.$inferSelect;

const PREVIEW_PERIODS = 26;

function toRuleDto(r: RuleRow): AlertRuleDto {
  return {
    id: r.id,
    code: r.code,
    name: r.name,
    metric: AlertMetric.parse(r.metric),
    granularity: r.granularity as Granularity,
    condition: AlertCondition.parse(r.condition),
    consecutive: r.consecutive,
    severity: r.severity as AlertRuleDto["severity"],
    enabled: r.enabled,
    webhookUrl: r.webhookUrl,
    webhookSecret: r.webhookSecret,
    plan: r.plan,
    state: r.state as AlertRuleDto["state"],
    evaluatedThrough: r.evaluatedThrough,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

function toEventDto(e: EventRow, rule: Pick<RuleRow, "name" | "severity" | "plan">): AlertEventDto {
  return {
    id: e.id,
    ruleId: e.ruleId,
    ruleName: rule.name,
    severity: rule.severity as AlertEventDto["severity"],
    kind: e.kind as AlertEventDto["kind"],
    periodStart: e.periodStart,
    value: e.value,
    bound: e.bound,
    message: e.message,
    plan: rule.plan,
    createdAt: e.createdAt.toISOString(),
    acknowledgedAt: e.acknowledgedAt?.toISOString() ?? null,
    webhook: e.webhookStatus as AlertEventDto["webhook"],
  };
}

const newSecret = () => `whsec_${randomBytes(24).toString("base64")}`;

function describe(rule: Pick<RuleRow, "name">, kind: "fired" | "resolved", point: JudgedPoint): string {
  const value = point.value === null ? "no value" : `${Math.round(point.value * 1000) / 1000}`;
  const bound = point.bound === null ? "" : ` (bound ${Math.round(point.bound * 1000) / 1000})`;
  return kind === "fired" ? `${rule.name}: ${value}${bound} in the period from ${point.periodStart}` : `${rule.name}: back to normal, ${value}${bound} in the period from ${point.periodStart}`;
}

/** The first day of the last period that is over, in the workspace's time zone. */
export function lastCompletePeriod(now: Date, timeZone: string, granularity: Granularity): string {
  const today = localDay(now, timeZone);
  return shiftPeriods(periodStartOf(today, granularity), granularity, -1);
}

/** How many periods before the first judged one the condition looks back. */
function lookback(condition: AlertCondition): number {
  if (condition.kind === "band" || condition.kind === "forecast") return condition.window + 8;
  return condition.kind === "change" ? 1 : 0;
}

export function createAlertsService(deps: AlertsDeps) {
  const { db, clock } = deps;
  const warehouse = deps.warehouse;
  const snapshot = warehouse ? snapshotRefresher({ db, warehouse, clock, refresh: deps.refreshSnapshot }) : null;
  const needWarehouse = () => {
    if (!warehouse || !snapshot) throw alertErrors.error("alerts.warehouse_unavailable", "Alerts read the warehouse, which this server runs without.");
    return { warehouse, snapshot };
  };

  const findRule = async (ctx: WorkspaceContext, ruleId: string): Promise<RuleRow> => {
    const [row] = await db.select().from(alertRules).where(and(eq(alertRules.workspaceId, ctx.workspaceId), eq(alertRules.id, ruleId)));
    if (!row) throw alertErrors.error("alerts.rule_not_found", `No alert rule ${ruleId}`);
    return row;
  };

  /** Judges a rule's metric over periods `first`…`last`, with the history its condition needs before them. */
  const judge = async (workspaceId: string, rule: Pick<AlertRuleDto, "metric" | "granularity" | "condition">, first: string, last: string, timeZone: string) => {
    const { warehouse: w } = needWarehouse();
    const from = shiftPeriods(first, rule.granularity, -lookback(rule.condition));
    const series = await metricSeries(w, { workspaceId, metric: rule.metric, granularity: rule.granularity, timeZone, first: from, last });
    return judgeSeries(series, rule.condition).filter((p) => p.periodStart >= first);
  };

  const evaluateRule = async (rule: RuleRow, now: Date): Promise<number> => {
    const timeZone = await workspaceTimeZone(db, rule.workspaceId);
    const granularity = rule.granularity as Granularity;
    const last = lastCompletePeriod(now, timeZone, granularity);
    if (rule.evaluatedThrough !== null && rule.evaluatedThrough >= last) return 0;
    // A new rule starts from the periods its streak needs; a known one from the period after the last evaluated.
    const first = rule.evaluatedThrough === null ? shiftPeriods(last, granularity, 1 - rule.consecutive) : shiftPeriods(rule.evaluatedThrough, granularity, 1);
    const judged = await judge(rule.workspaceId, toRuleDto(rule), first, last, timeZone);
    const { state, transitions } = advance({ state: rule.state as "ok" | "firing", streak: rule.streak }, judged, rule.consecutive);
    return db.transaction(async (tx) => {
      // Conditional on the state read: a second worker evaluating the same rule changes nothing.
      const moved = await tx
        .update(alertRules)
        .set({ state: state.state, streak: state.streak, evaluatedThrough: last })
        .where(and(eq(alertRules.id, rule.id), rule.evaluatedThrough === null ? isNull(alertRules.evaluatedThrough) : eq(alertRules.evaluatedThrough, rule.evaluatedThrough)))
        .returning({ id: alertRules.id });
      if (moved.length === 0) return 0;
      for (const t of transitions) {
        await tx
          .insert(alertEvents)
          .values({
            id: newId(),
            workspaceId: rule.workspaceId,
            ruleId: rule.id,
            kind: t.kind,
            periodStart: t.point.periodStart,
            value: t.point.value,
            bound: t.point.bound,
            message: describe(rule, t.kind, t.point),
            createdAt: now,
            webhookStatus: rule.webhookUrl ? "pending" : "none",
            webhookNextAt: rule.webhookUrl ? now : null,
          })
          .onConflictDoNothing();
      }
      return transitions.length;
    });
  };

  return {
    async listRules(ctx: WorkspaceContext): Promise<AlertRuleDto[]> {
      const rows = await db.select().from(alertRules).where(eq(alertRules.workspaceId, ctx.workspaceId)).orderBy(alertRules.createdAt, alertRules.id);
      return rows.map(toRuleDto);
    },

    async createRule(ctx: WorkspaceContext, input: AlertRuleInput, code: string | null = null): Promise<AlertRuleDto> {
      const body = AlertRuleBody.parse(input);
      const now = clock.now();
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(alertRules)
          .values({ id: newId(), workspaceId: ctx.workspaceId, code, ...body, webhookSecret: newSecret(), createdAt: now, updatedAt: now })
          .returning();
        await appendAuditEntry(tx, clock, ctx, { action: "alert_rule.created", targetType: "alert_rule", targetId: row!.id, summary: `Created alert rule ${body.name}`, after: body });
        return toRuleDto(row!);
      });
    },

    /** Replaces a rule's terms; a changed metric, period or condition starts its evaluation afresh. */
    async updateRule(ctx: WorkspaceContext, ruleId: string, input: AlertRuleInput): Promise<AlertRuleDto> {
      const body = AlertRuleBody.parse(input);
      const before = await findRule(ctx, ruleId);
      const judgedAlike =
        JSON.stringify(before.metric) === JSON.stringify(body.metric) &&
        before.granularity === body.granularity &&
        JSON.stringify(before.condition) === JSON.stringify(body.condition) &&
        before.consecutive === body.consecutive;
      return db.transaction(async (tx) => {
        const [row] = await tx
          .update(alertRules)
          .set({ ...body, updatedAt: clock.now(), ...(judgedAlike ? {} : { state: "ok", streak: 0, evaluatedThrough: null }) })
          .where(eq(alertRules.id, ruleId))
          .returning();
        await appendAuditEntry(tx, clock, ctx, { action: "alert_rule.updated", targetType: "alert_rule", targetId: ruleId, summary: `Updated alert rule ${body.name}`, before: toRuleDto(before), after: body });
        return toRuleDto(row!);
      });
    },

    async deleteRule(ctx: WorkspaceContext, ruleId: string): Promise<void> {
      const rule = await findRule(ctx, ruleId);
      await db.transaction(async (tx) => {
        await tx.delete(alertEvents).where(eq(alertEvents.ruleId, ruleId));
        await tx.delete(alertRules).where(eq(alertRules.id, ruleId));
        await appendAuditEntry(tx, clock, ctx, { action: "alert_rule.deleted", targetType: "alert_rule", targetId: ruleId, summary: `Deleted alert rule ${rule.name}` });
      });
    },

    /** Installs the brand plans' rules that the workspace does not have yet (by code). */
    async installDefaults(ctx: WorkspaceContext): Promise<AlertRuleDto[]> {
      const existing = new Set((await this.listRules(ctx)).map((r) => r.code));
      for (const { code, ...rule } of DEFAULT_ALERT_RULES) {
        if (!existing.has(code)) await this.createRule(ctx, rule, code);
      }
      return this.listRules(ctx);
    },

    /** A rule's series over the last periods, judged, with where it would fire and resolve. Changes nothing. */
    async preview(ctx: WorkspaceContext, input: AlertRuleInput): Promise<AlertPreviewDto> {
      const rule = AlertRuleBody.parse(input);
      const { snapshot: refresh } = needWarehouse();
      await refresh(ctx.workspaceId, 60_000);
      const timeZone = await workspaceTimeZone(db, ctx.workspaceId);
      const last = lastCompletePeriod(clock.now(), timeZone, rule.granularity);
      const judged = await judge(ctx.workspaceId, rule, shiftPeriods(last, rule.granularity, 1 - PREVIEW_PERIODS), last, timeZone);
      const { transitions } = advance({ state: "ok", streak: 0 }, judged, rule.consecutive);
      return {
        points: judged.map((p) => ({ periodStart: p.periodStart, value: p.value, bound: p.bound, breached: p.breached })),
        fires: transitions.filter((t) => t.kind === "fired").map((t) => t.point.periodStart),
        resolves: transitions.filter((t) => t.kind === "resolved").map((t) => t.point.periodStart),
      };
    },

    /** Evaluates every enabled rule whose next period is over (all workspaces, or one); returns the alerts raised or resolved. */
    async evaluateDue(options: { workspaceId?: string; now?: Date } = {}): Promise<number> {
      if (!warehouse || !snapshot) return 0;
      const now = options.now ?? clock.now();
      const rules = await db
        .select()
        .from(alertRules)
        .where(and(eq(alertRules.enabled, true), options.workspaceId ? eq(alertRules.workspaceId, options.workspaceId) : undefined));
      let changed = 0;
      const refreshed = new Set<string>();
      for (const rule of rules) {
        if (!refreshed.has(rule.workspaceId)) {
          refreshed.add(rule.workspaceId);
          await snapshot(rule.workspaceId, 5 * 60_000);
        }
        changed += await evaluateRule(rule, now);
      }
      return changed;
    },

    async evaluateNow(ctx: WorkspaceContext): Promise<{ changed: number }> {
      needWarehouse();
      const changed = await this.evaluateDue({ workspaceId: ctx.workspaceId });
      await appendAuditEntry(db, clock, ctx, { action: "alert_rules.evaluated", targetType: "workspace", targetId: ctx.workspaceId, summary: `Evaluated alert rules: ${changed} alerts raised or resolved` });
      return { changed };
    },

    async events(ctx: WorkspaceContext, query: { limit: number; unacknowledged?: "true" | "false" }): Promise<AlertEventListDto> {
      const rows = await db
        .select({ event: alertEvents, name: alertRules.name, severity: alertRules.severity, plan: alertRules.plan })
        .from(alertEvents)
        .innerJoin(alertRules, eq(alertRules.id, alertEvents.ruleId))
        .where(and(eq(alertEvents.workspaceId, ctx.workspaceId), query.unacknowledged === "true" ? isNull(alertEvents.acknowledgedAt) : undefined))
        .orderBy(desc(alertEvents.createdAt), desc(alertEvents.id))
        .limit(query.limit);
      const [open] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(alertEvents)
        .where(and(eq(alertEvents.workspaceId, ctx.workspaceId), isNull(alertEvents.acknowledgedAt), eq(alertEvents.kind, "fired")));
      return { items: rows.map((r) => toEventDto(r.event, r)), unacknowledged: open?.n ?? 0 };
    },

    async acknowledge(ctx: WorkspaceContext, eventId: string): Promise<AlertEventDto> {
      return db.transaction(async (tx) => {
        const [row] = await tx
          .select({ event: alertEvents, name: alertRules.name, severity: alertRules.severity, plan: alertRules.plan })
          .from(alertEvents)
          .innerJoin(alertRules, eq(alertRules.id, alertEvents.ruleId))
          .where(and(eq(alertEvents.workspaceId, ctx.workspaceId), eq(alertEvents.id, eventId)));
        if (!row) throw alertErrors.error("alerts.event_not_found", `No alert ${eventId}`);
        if (row.event.acknowledgedAt) return toEventDto(row.event, row);
        const [updated] = await tx
          .update(alertEvents)
          .set({ acknowledgedAt: clock.now(), acknowledgedBy: ctx.actor.name })
          .where(eq(alertEvents.id, eventId))
          .returning();
        await appendAuditEntry(tx, clock, ctx, { action: "alert.acknowledged", targetType: "alert_event", targetId: eventId, summary: `Acknowledged alert: ${row.event.message}` });
        return toEventDto(updated!, row);
      });
    },

    /**
     * Sends due webhooks: each is leased for five minutes in a short transaction (SKIP LOCKED, so
     * several workers share the queue), posted, then marked delivered, retried with backoff
     * (1, 2, 4 … minutes) or given up — at once on 410 Gone, as the spec asks.
     */
    async deliverWebhooks(now: Date = clock.now()): Promise<number> {
      const send = deps.fetch ?? fetch;
      const maxAttempts = deps.webhookMaxAttempts ?? 8;
      const leased = await db.transaction(async (tx) => {
        const due = await tx
          .select({ event: alertEvents, rule: alertRules })
          .from(alertEvents)
          .innerJoin(alertRules, eq(alertRules.id, alertEvents.ruleId))
          .where(and(eq(alertEvents.webhookStatus, "pending"), lte(alertEvents.webhookNextAt, now)))
          .orderBy(alertEvents.webhookNextAt)
          .limit(20)
          .for("update", { of: alertEvents, skipLocked: true });
        for (const d of due) await tx.update(alertEvents).set({ webhookNextAt: addDays(now, 5 / 1440) }).where(eq(alertEvents.id, d.event.id));
        return due;
      });
      for (const { event, rule } of leased) {
        const body = JSON.stringify({ type: `alert.${event.kind}`, timestamp: event.createdAt.toISOString(), data: { workspaceId: event.workspaceId, ...toEventDto(event, rule) } });
        const timestamp = Math.floor(now.getTime() / 1000);
        let outcome: { ok: boolean; gone: boolean; error: string | null };
        try {
          const response = await send(rule.webhookUrl!, {
            method: "POST",
            headers: { "content-type": "application/json", "webhook-id": event.id, "webhook-timestamp": String(timestamp), "webhook-signature": signWebhook(rule.webhookSecret!, event.id, timestamp, body) },
            body,
            signal: AbortSignal.timeout(10_000),
          });
          outcome = { ok: response.ok, gone: response.status === 410, error: response.ok ? null : `HTTP ${response.status}` };
        } catch (error) {
          outcome = { ok: false, gone: false, error: (error as Error).message };
        }
        const attempts = event.webhookAttempts + 1;
        const failed = !outcome.ok && (outcome.gone || attempts >= maxAttempts);
        await db
          .update(alertEvents)
          .set({
            webhookStatus: outcome.ok ? "delivered" : failed ? "failed" : "pending",
            webhookAttempts: attempts,
            webhookNextAt: outcome.ok || failed ? null : addDays(now, 2 ** (attempts - 1) / 1440),
            webhookError: outcome.error,
          })
          .where(eq(alertEvents.id, event.id));
      }
      return leased.length;
    },
  };
}

export type AlertsService = ReturnType<typeof createAlertsService>;
