import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ApiKeyListDto, ApiKeyParams, CreateApiKeyBody, CreatedApiKeyDto, WorkspaceParams } from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["API keys"];

export const apiKeysRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(
    "/api/v1/workspaces/:workspaceId/api-keys",
    {
      schema: { params: WorkspaceParams, response: { 200: ApiKeyListDto }, tags, summary: "API keys (secrets are never shown again)" },
      config: { auth: "workspace", permission: "api_keys.read" },
    },
    async (req) => ({ items: await services.apiKeys.list(requireWorkspace(req)) }),
  );

  app.post(
    "/api/v1/workspaces/:workspaceId/api-keys",
    {
      schema: {
        params: WorkspaceParams,
        body: CreateApiKeyBody,
        response: { 201: CreatedApiKeyDto },
        tags,
        summary: "Create a key: ingest (write-only, safe in a mini-program) or admin (server-to-server); the secret is shown once",
      },
      config: { auth: "workspace", permission: "api_keys.manage" },
    },
    async (req, reply) => reply.code(201).send(await services.apiKeys.create(requireWorkspace(req), req.body)),
  );

  app.delete(
    "/api/v1/workspaces/:workspaceId/api-keys/:apiKeyId",
    {
      schema: { params: ApiKeyParams, response: { 204: z.null() }, tags, summary: "Revoke a key" },
      config: { auth: "workspace", permission: "api_keys.manage" },
    },
    async (req, reply) => {
      await services.apiKeys.revoke(requireWorkspace(req), req.params.apiKeyId);
      return reply.code(204).send(null);
    },
  );
};
