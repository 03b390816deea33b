import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { PlaybookListDto, WorkspaceParams } from "@siyu/contracts";
import { listPlaybooks } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Journeys"];

export const journeyPlaybooksRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/api/v1/workspaces/:workspaceId/journey-playbooks",
    {
      schema: { params: WorkspaceParams, response: { 200: PlaybookListDto }, tags, summary: "The brand plans' SOPs as journey playbooks, with what each needs the operator to pick" },
      config: { auth: "workspace", permission: "journeys.read" },
    },
    async (req) => {
      requireWorkspace(req);
      return { items: listPlaybooks() };
    },
  );
};
