import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  CreateInvitationBody,
  CreatedInvitationDto,
  InvitationListDto,
  InvitationParams,
  OperatorParams,
  UpdateMembershipBody,
  WorkspaceOperatorDto,
  WorkspaceOperatorListDto,
  WorkspaceParams,
} from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Operators"];

export const operatorsRoutes: FastifyPluginAsyncZod<{ services: CoreServices; publicUrl: () => string }> = async (
  app,
  { services, publicUrl },
) => {
  app.get(
    "/api/v1/workspaces/:workspaceId/operators",
    {
      schema: { params: WorkspaceParams, response: { 200: WorkspaceOperatorListDto }, tags, summary: "Operators of the workspace and their roles" },
      config: { auth: "workspace", permission: "operators.read" },
    },
    async (req) => ({ items: await services.access.listMembers(requireWorkspace(req)) }),
  );

  app.patch(
    "/api/v1/workspaces/:workspaceId/operators/:operatorId",
    {
      schema: { params: OperatorParams, body: UpdateMembershipBody, response: { 200: WorkspaceOperatorDto }, tags, summary: "Change an operator's role or stores" },
      config: { auth: "workspace", permission: "operators.manage" },
    },
    async (req) => services.access.updateMembership(requireWorkspace(req), req.role, req.params.operatorId, req.body),
  );

  app.delete(
    "/api/v1/workspaces/:workspaceId/operators/:operatorId",
    {
      schema: { params: OperatorParams, response: { 204: z.null() }, tags, summary: "Remove an operator from the workspace" },
      config: { auth: "workspace", permission: "operators.manage" },
    },
    async (req, reply) => {
      await services.access.removeMember(requireWorkspace(req), req.role, req.params.operatorId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/api/v1/workspaces/:workspaceId/invitations",
    {
      schema: { params: WorkspaceParams, response: { 200: InvitationListDto }, tags, summary: "Invitations sent" },
      config: { auth: "workspace", permission: "operators.read" },
    },
    async (req) => ({ items: await services.access.listInvitations(requireWorkspace(req)) }),
  );

  app.post(
    "/api/v1/workspaces/:workspaceId/invitations",
    {
      schema: { params: WorkspaceParams, body: CreateInvitationBody, response: { 201: CreatedInvitationDto }, tags, summary: "Invite an operator; the link is shown once" },
      config: { auth: "workspace", permission: "operators.manage" },
    },
    async (req, reply) => {
      const { invitation, token } = await services.access.createInvitation(requireWorkspace(req), req.role, req.body);
      return reply.code(201).send({ invitation, token, acceptUrl: `${publicUrl()}/invite/${token}` });
    },
  );

  app.delete(
    "/api/v1/workspaces/:workspaceId/invitations/:invitationId",
    {
      schema: { params: InvitationParams, response: { 204: z.null() }, tags, summary: "Revoke an invitation" },
      config: { auth: "workspace", permission: "operators.manage" },
    },
    async (req, reply) => {
      await services.access.revokeInvitation(requireWorkspace(req), req.params.invitationId);
      return reply.code(204).send(null);
    },
  );
};
