export { createKpiService, computeMetrics } from "./kpi.service";
export type { KpiService, KpiDeps } from "./kpi.service";
export { kpiErrors } from "./kpi.errors";
export { analyticsAcquisitionCosts } from "./kpi.schema";
export { analyticsSettingsStore } from "./kpi.settings";
export { weeklyReportCsv } from "./weekly-report.csv";
export { allocateCosts } from "./acquisition-costs";
export { isoWeekOf, mondayOfIsoWeek, periodOf, previousPeriodOf, shiftDay } from "./kpi-period";
export type { KpiScope, KpiWindows } from "./kpi.warehouse";
