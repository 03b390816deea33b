import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  CustomerScoresDto,
  LifecycleOverviewDto,
  ProfileParams,
  RfmOverviewDto,
  ScoresRunDto,
  ScoresSettingsDto,
  UpdateScoresSettingsBody,
  ValuePyramidDto,
  WorkspaceParams,
} from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Scores"];
const base = "/api/v1/workspaces/:workspaceId/scores";

export const scoresRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(
    `${base}/settings`,
    {
      schema: { params: WorkspaceParams, response: { 200: ScoresSettingsDto }, tags, summary: "RFM window and scoring, lifecycle thresholds, value pyramid shares" },
      config: { auth: "workspace", permission: "segments.read" },
    },
    async (req) => services.scores.settings(requireWorkspace(req).workspaceId),
  );

  app.put(
    `${base}/settings`,
    {
      schema: {
        params: WorkspaceParams,
        body: UpdateScoresSettingsBody,
        response: { 200: ScoresSettingsDto },
        tags,
        summary: "Replace the scoring settings (sections left out take their defaults); they apply from the next run",
      },
      config: { auth: "workspace", permission: "segments.manage" },
    },
    async (req) => services.scores.updateSettings(requireWorkspace(req), req.body),
  );

  app.post(
    `${base}/recompute`,
    {
      schema: {
        params: WorkspaceParams,
        body: z.strictObject({}).optional(),
        response: { 200: ScoresRunDto },
        tags,
        summary: "Recompute every customer's RFM scores, lifecycle stage and value tier now",
      },
      config: { auth: "workspace", permission: "segments.manage" },
    },
    async (req) => services.scores.recompute(requireWorkspace(req), { trigger: "manual" }),
  );

  app.get(
    `${base}/rfm`,
    {
      schema: { params: WorkspaceParams, response: { 200: RfmOverviewDto }, tags, summary: "RFM heat map (R × F), customers per cell and per layer" },
      config: { auth: "workspace", permission: "segments.read" },
    },
    async (req) => services.scores.rfmOverview(requireWorkspace(req)),
  );

  app.get(
    `${base}/lifecycle`,
    {
      schema: { params: WorkspaceParams, response: { 200: LifecycleOverviewDto }, tags, summary: "Customers per lifecycle stage and the stage changes of the last 30 days" },
      config: { auth: "workspace", permission: "segments.read" },
    },
    async (req) => services.scores.lifecycleOverview(requireWorkspace(req)),
  );

  app.get(
    `${base}/value-pyramid`,
    {
      schema: { params: WorkspaceParams, response: { 200: ValuePyramidDto }, tags, summary: "Customers and spend per value tier (SVIP, VIP, regular, none)" },
      config: { auth: "workspace", permission: "segments.read" },
    },
    async (req) => services.scores.valuePyramid(requireWorkspace(req)),
  );

  app.get(
    "/api/v1/workspaces/:workspaceId/customers/:profileId/scores",
    {
      schema: { params: ProfileParams, response: { 200: CustomerScoresDto }, tags, summary: "A customer's RFM scores, cell, layer, lifecycle stage and value tier" },
      config: { auth: "workspace", permission: "segments.read" },
    },
    async (req) => {
      const ctx = requireWorkspace(req);
      // A merged-away id answers with the live profile's scores.
      return services.scores.customerScores(ctx, await services.profiles.resolveId(ctx, req.params.profileId));
    },
  );
};
