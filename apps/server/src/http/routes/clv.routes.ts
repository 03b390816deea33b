import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ClvModelDto, ClvSettingsDto, CustomerClvDto, ProfileParams, UpdateClvSettingsBody, WorkspaceParams } from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Customer lifetime value"];

export const clvRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(
    "/api/v1/workspaces/:workspaceId/clv/model",
    {
      schema: { params: WorkspaceParams, response: { 200: ClvModelDto }, tags, summary: "The workspace's CLV model: status, fitted BG/NBD and Gamma-Gamma parameters, settings" },
      config: { auth: "workspace", permission: "customers.read" },
    },
    async (req) => services.clv.model(requireWorkspace(req)),
  );

  app.put(
    "/api/v1/workspaces/:workspaceId/clv/settings",
    {
      schema: {
        params: WorkspaceParams,
        // Fields left out keep their current value.
        body: UpdateClvSettingsBody.nullish(),
        response: { 200: ClvSettingsDto },
        tags,
        summary: "Change the CLV settings (unit, minimum customers and repeaters, next-purchase window, refunds); applies at the next refit",
      },
      config: { auth: "workspace", permission: "segments.manage" },
    },
    async (req) => services.clv.updateSettings(requireWorkspace(req), req.body ?? {}),
  );

  app.post(
    "/api/v1/workspaces/:workspaceId/clv/refit",
    {
      schema: {
        params: WorkspaceParams,
        body: z.strictObject({}).nullish(),
        response: { 200: ClvModelDto },
        tags,
        summary: "Refit the CLV models on the workspace's orders now and replace every customer's prediction",
      },
      config: { auth: "workspace", permission: "segments.manage" },
    },
    async (req) => services.clv.refit(requireWorkspace(req)),
  );

  app.get(
    "/api/v1/workspaces/:workspaceId/customers/:profileId/clv",
    {
      schema: { params: ProfileParams, response: { 200: CustomerClvDto }, tags, summary: "A customer's CLV prediction (a merged profile's id answers for the live profile)" },
      config: { auth: "workspace", permission: "customers.read" },
    },
    async (req) => services.clv.customerClv(requireWorkspace(req), req.params.profileId),
  );
};
