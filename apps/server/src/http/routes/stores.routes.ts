import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  CreateStoreBody,
  StoreDto,
  StoreListQuery,
  StorePageDto,
  StoreParams,
  UpdateStoreBody,
  WorkspaceParams,
} from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Stores"];

export const storesRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(
    "/api/v1/workspaces/:workspaceId/stores",
    {
      schema: { params: WorkspaceParams, querystring: StoreListQuery, response: { 200: StorePageDto }, tags, summary: "List stores" },
      config: { auth: "workspace", permission: "stores.read" },
    },
    async (req) => services.stores.list(requireWorkspace(req), req.query),
  );

  app.post(
    "/api/v1/workspaces/:workspaceId/stores",
    {
      schema: { params: WorkspaceParams, body: CreateStoreBody, response: { 201: StoreDto }, tags, summary: "Create a store" },
      config: { auth: "workspace", permission: "stores.manage" },
    },
    async (req, reply) => reply.code(201).send(await services.stores.create(requireWorkspace(req), req.body)),
  );

  app.get(
    "/api/v1/workspaces/:workspaceId/stores/:storeId",
    {
      schema: { params: StoreParams, response: { 200: StoreDto }, tags, summary: "A store" },
      config: { auth: "workspace", permission: "stores.read" },
    },
    async (req) => services.stores.get(requireWorkspace(req), req.params.storeId),
  );

  app.patch(
    "/api/v1/workspaces/:workspaceId/stores/:storeId",
    {
      schema: { params: StoreParams, body: UpdateStoreBody, response: { 200: StoreDto }, tags, summary: "Change a store" },
      config: { auth: "workspace", permission: "stores.manage" },
    },
    async (req) => services.stores.update(requireWorkspace(req), req.params.storeId, req.body),
  );

  app.delete(
    "/api/v1/workspaces/:workspaceId/stores/:storeId",
    {
      schema: { params: StoreParams, response: { 204: z.null() }, tags, summary: "Delete a store" },
      config: { auth: "workspace", permission: "stores.manage" },
    },
    async (req, reply) => {
      await services.stores.remove(requireWorkspace(req), req.params.storeId);
      return reply.code(204).send(null);
    },
  );
};
