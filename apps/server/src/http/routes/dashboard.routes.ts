import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  AcquisitionCostBody,
  AcquisitionCostDto,
  AcquisitionCostListDto,
  AcquisitionCostListQuery,
  AcquisitionCostParams,
  AnalyticsSettingsDto,
  CampaignRoiDto,
  CampaignRoiQuery,
  DashboardDto,
  DashboardQuery,
  UpdateAnalyticsSettingsBody,
  WeeklyReportDto,
  WeeklyReportQuery,
  WorkspaceParams,
} from "@siyu/contracts";
import { weeklyReportCsv, type CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Analytics"];
const base = "/api/v1/workspaces/:workspaceId/analytics";

export const dashboardRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  const kpi = services.analyticsKpi;

  app.get(
    `${base}/dashboard`,
    {
      schema: {
        params: WorkspaceParams,
        querystring: DashboardQuery,
        response: { 200: DashboardDto },
        tags,
        summary: "KPI dashboard for a period (local days, default the 30 days ending yesterday) against the period before it, optionally for one store",
      },
      config: { auth: "workspace", permission: "analytics.read" },
    },
    async (req) => kpi.dashboard(requireWorkspace(req), req.query),
  );

  app.get(
    `${base}/settings`,
    {
      schema: { params: WorkspaceParams, response: { 200: AnalyticsSettingsDto }, tags, summary: "Churn days, margin rates, referral and NPS events" },
      config: { auth: "workspace", permission: "analytics.read" },
    },
    async (req) => kpi.settings(requireWorkspace(req)),
  );

  app.put(
    `${base}/settings`,
    {
      schema: {
        params: WorkspaceParams,
        body: UpdateAnalyticsSettingsBody,
        response: { 200: AnalyticsSettingsDto },
        tags,
        summary: "Replace the analytics settings (keys left out take their defaults)",
      },
      config: { auth: "workspace", permission: "analytics.manage" },
    },
    async (req) => kpi.updateSettings(requireWorkspace(req), req.body),
  );

  app.get(
    `${base}/costs`,
    {
      schema: { params: WorkspaceParams, querystring: AcquisitionCostListQuery, response: { 200: AcquisitionCostListDto }, tags, summary: "Acquisition costs, optionally those overlapping [from, to]" },
      config: { auth: "workspace", permission: "analytics.read" },
    },
    async (req) => kpi.listCosts(requireWorkspace(req), req.query),
  );

  app.post(
    `${base}/costs`,
    {
      schema: { params: WorkspaceParams, body: AcquisitionCostBody, response: { 201: AcquisitionCostDto }, tags, summary: "Enter an acquisition cost for a channel or campaign and a period" },
      config: { auth: "workspace", permission: "analytics.manage" },
    },
    async (req, reply) => reply.code(201).send(await kpi.createCost(requireWorkspace(req), req.body)),
  );

  app.put(
    `${base}/costs/:costId`,
    {
      schema: { params: AcquisitionCostParams, body: AcquisitionCostBody, response: { 200: AcquisitionCostDto }, tags, summary: "Replace an acquisition cost" },
      config: { auth: "workspace", permission: "analytics.manage" },
    },
    async (req) => kpi.replaceCost(requireWorkspace(req), req.params.costId, req.body),
  );

  app.delete(
    `${base}/costs/:costId`,
    {
      schema: { params: AcquisitionCostParams, response: { 204: z.null() }, tags, summary: "Delete an acquisition cost" },
      config: { auth: "workspace", permission: "analytics.manage" },
    },
    async (req, reply) => {
      await kpi.deleteCost(requireWorkspace(req), req.params.costId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${base}/campaigns/roi`,
    {
      schema: {
        params: WorkspaceParams,
        querystring: CampaignRoiQuery,
        response: { 200: CampaignRoiDto },
        tags,
        summary: "Cost, credited revenue (by the order and its buyer's acquisition, or by last touch), ROI and gross-margin contribution per channel and campaign (default the 30 days ending yesterday)",
      },
      config: { auth: "workspace", permission: "analytics.read" },
    },
    async (req) => kpi.campaignRoi(requireWorkspace(req), req.query),
  );

  app.get(
    `${base}/reports/weekly`,
    {
      schema: {
        params: WorkspaceParams,
        querystring: WeeklyReportQuery,
        response: { 200: z.union([WeeklyReportDto, z.string().describe("text/csv with ?format=csv")]) },
        tags,
        summary: "The weekly review (default the last complete ISO week): KPIs against the week before, top campaigns by ROI, alerts",
      },
      config: { auth: "workspace", permission: "analytics.read" },
    },
    async (req, reply) => {
      const report = await kpi.weeklyReport(requireWorkspace(req), req.query.week);
      if (req.query.format !== "csv") return report;
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="weekly-review-${report.week}.csv"`)
        .send(`\uFEFF${weeklyReportCsv(report)}`);
    },
  );
};
