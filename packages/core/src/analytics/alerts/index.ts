export { createAlertsService, lastCompletePeriod } from "./alerts.service";
export type { AlertsService, AlertsDeps } from "./alerts.service";
export { alertErrors } from "./alerts.errors";
export { alertRules, alertEvents } from "./alerts.schema";
export { DEFAULT_ALERT_RULES } from "./alert-defaults";
export { judgeSeries, advance } from "./alert-evaluator";
export { alertsOfDays, alertsSummary } from "./alerts.report";
