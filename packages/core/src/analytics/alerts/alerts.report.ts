import { and, asc, between, eq } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { WeeklyReportDto } from "@siyu/contracts";
import { alertEvents, alertRules } from "./alerts.schema";

/**
 * The alerts a review of the days `from` … `to` lists: those that fired or resolved on a period
 * starting in them (a daily rule's days, a weekly rule's Monday), in period order, then rule name.
 */
export async function alertsOfDays(db: Db, workspaceId: string, from: string, to: string): Promise<WeeklyReportDto["alerts"]> {
  const found = await db
    .select({ rule: alertRules.name, severity: alertRules.severity, kind: alertEvents.kind, periodStart: alertEvents.periodStart, message: alertEvents.message })
    .from(alertEvents)
    .innerJoin(alertRules, eq(alertRules.id, alertEvents.ruleId))
    .where(and(eq(alertEvents.workspaceId, workspaceId), between(alertEvents.periodStart, from, to)))
    .orderBy(asc(alertEvents.periodStart), asc(alertRules.name), asc(alertEvents.kind));
  return found.map((a) => ({ ...a, severity: a.severity as WeeklyReportDto["alerts"][number]["severity"], kind: a.kind as "fired" | "resolved" }));
}

/** The alerts in one sentence. */
export function alertsSummary(alerts: WeeklyReportDto["alerts"]): string {
  if (alerts.length === 0) return "No alert fired or resolved for the week.";
  const fired = alerts.filter((a) => a.kind === "fired").length;
  return `${fired} fired, ${alerts.length - fired} resolved.`;
}
