import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AttributionQuery, AttributionReportDto, WorkspaceParams } from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Analytics"];

export const attributionRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.post(
    "/api/v1/workspaces/:workspaceId/analytics/attribution",
    {
      schema: {
        params: WorkspaceParams,
        body: AttributionQuery,
        response: { 200: AttributionReportDto },
        tags,
        summary: "Credit a period's conversions to channels, campaigns, sources or touchpoints: first touch, last touch, linear, time decay, Shapley and Markov side by side",
      },
      // A query sent as a body: it changes nothing.
      config: { auth: "workspace", permission: "analytics.read", audited: false },
    },
    async (req) => services.attribution.report(requireWorkspace(req), req.body),
  );
};
