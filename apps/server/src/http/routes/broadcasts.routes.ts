import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { BroadcastBody, BroadcastDto, BroadcastListDto, BroadcastParams, WorkspaceParams } from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Broadcasts"];
const base = "/api/v1/workspaces/:workspaceId/broadcasts";

export const broadcastsRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(
    base,
    { schema: { params: WorkspaceParams, response: { 200: BroadcastListDto }, tags, summary: "Broadcasts, newest first" }, config: { auth: "workspace", permission: "journeys.read" } },
    async (req) => ({ items: await services.broadcasts.list(requireWorkspace(req)) }),
  );

  app.post(
    base,
    {
      schema: { params: WorkspaceParams, body: BroadcastBody, response: { 201: BroadcastDto }, tags, summary: "Schedule a one-off or recurring send to a segment, throttled into the outbox" },
      config: { auth: "workspace", permission: "journeys.manage" },
    },
    async (req, reply) => reply.code(201).send(await services.broadcasts.create(requireWorkspace(req), req.body)),
  );

  app.get(
    `${base}/:broadcastId`,
    { schema: { params: BroadcastParams, response: { 200: BroadcastDto }, tags, summary: "A broadcast with its progress" }, config: { auth: "workspace", permission: "journeys.read" } },
    async (req) => services.broadcasts.get(requireWorkspace(req), req.params.broadcastId),
  );

  app.post(
    `${base}/:broadcastId/cancel`,
    {
      schema: {
        params: BroadcastParams,
        body: z.strictObject({}).nullish(),
        response: { 200: BroadcastDto },
        tags,
        summary: "Cancel a scheduled or sending broadcast: no further batch or occurrence (messages already queued stay)",
      },
      config: { auth: "workspace", permission: "journeys.manage" },
    },
    async (req) => services.broadcasts.cancel(requireWorkspace(req), req.params.broadcastId),
  );
};
