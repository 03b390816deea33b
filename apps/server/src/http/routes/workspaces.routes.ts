import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import {
  CreateWorkspaceBody,
  UpdateWorkspaceBody,
  WorkspaceDto,
  WorkspaceListDto,
  WorkspaceParams,
} from "@siyu/contracts";
import { createWorkspaceWithOwner, type CoreServices } from "@siyu/core";
import { requireOperator, requireWorkspace } from "../route-config";

const tags = ["Workspaces"];

export const workspacesRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(
    "/api/v1/workspaces",
    { schema: { response: { 200: WorkspaceListDto }, tags, summary: "Workspaces I belong to" }, config: { auth: "session" } },
    async (req) => {
      const memberships = await services.access.listMembershipsOf(requireOperator(req).operator.id);
      const byId = new Map((await services.workspaces.getMany(memberships.map((m) => m.workspaceId))).map((w) => [w.id, w]));
      return {
        items: memberships.flatMap((m) => {
          const w = byId.get(m.workspaceId);
          return w ? [{ ...w, role: m.role }] : [];
        }),
      };
    },
  );

  app.post(
    "/api/v1/workspaces",
    {
      schema: { body: CreateWorkspaceBody, response: { 201: WorkspaceDto }, tags, summary: "Create a workspace (a brand); I become its owner" },
      config: { auth: "session" },
    },
    async (req, reply) => {
      const workspace = await createWorkspaceWithOwner(services, req.body, requireOperator(req).operator, req.ip);
      return reply.code(201).send(workspace);
    },
  );

  app.get(
    "/api/v1/workspaces/:workspaceId",
    {
      schema: { params: WorkspaceParams, response: { 200: WorkspaceDto }, tags, summary: "A workspace's settings" },
      config: { auth: "workspace", permission: "workspace.read" },
    },
    async (req) => services.workspaces.get(requireWorkspace(req).workspaceId),
  );

  app.patch(
    "/api/v1/workspaces/:workspaceId",
    {
      schema: { params: WorkspaceParams, body: UpdateWorkspaceBody, response: { 200: WorkspaceDto }, tags, summary: "Change name, time zone or currency" },
      config: { auth: "workspace", permission: "workspace.manage" },
    },
    async (req) => services.workspaces.update(requireWorkspace(req), req.body),
  );
};
