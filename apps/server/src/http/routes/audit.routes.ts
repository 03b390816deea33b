import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { AuditListQuery, AuditPageDto, WorkspaceParams } from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

export const auditRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(
    "/api/v1/workspaces/:workspaceId/audit-log",
    {
      schema: {
        params: WorkspaceParams,
        querystring: AuditListQuery,
        response: { 200: AuditPageDto },
        tags: ["Audit"],
        summary: "Who changed what, newest first",
      },
      config: { auth: "workspace", permission: "audit.read" },
    },
    async (req) => services.audit.list(requireWorkspace(req), req.query),
  );
};
