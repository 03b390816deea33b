export { OverviewPage } from "./components/overview-page";
export { CampaignsPage } from "./components/campaigns-page";
export { WeeklyReportPage } from "./components/weekly-report-page";
