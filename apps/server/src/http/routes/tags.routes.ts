import { acceptCsvBodies } from "../csv-body";
import type { FastifyPluginAsyncZod, ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  AssignTagBody,
  CreateTagBody,
  CreateTagGroupBody,
  ErrorDto,
  ImportCsvBody,
  ProfileParams,
  ProfileTagListDto,
  ProfileTagParams,
  TagAssignResultDto,
  TagDto,
  TagGroupDto,
  TagGroupParams,
  TagImportQuery,
  TagImportReportDto,
  TagListDto,
  TagParams,
  TagRecomputeDto,
  TagSettingsDto,
  UpdateTagBody,
  UpdateTagGroupBody,
  UpdateTagSettingsBody,
  WorkspaceParams,
} from "@siyu/contracts";
import { DEFAULT_IMPORT_SETTINGS, type CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Tags"];
const base = "/api/v1/workspaces/:workspaceId";
const read = { auth: "workspace", permission: "segments.read" } as const;
const manage = { auth: "workspace", permission: "segments.manage" } as const;
const Empty = z.strictObject({}).nullish();

/**
 * Tags and tag groups: CRUD, bulk assign / unassign by profile id or identifier, CSV import,
 * a customer's tags, and recomputing a rule or quantile tag. Reading needs segments.read,
 * changing segments.manage.
 */
export const tagsRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(
    `${base}/tags`,
    { schema: { params: WorkspaceParams, response: { 200: TagListDto }, tags, summary: "Tag groups and tags, with how many customers hold each tag" }, config: read },
    async (req) => services.tags.list(requireWorkspace(req)),
  );

  app.get(
    `${base}/tags/settings`,
    { schema: { params: WorkspaceParams, response: { 200: TagSettingsDto }, tags, summary: "Tag settings: how often computed tags are recomputed" }, config: read },
    async (req) => services.tags.settings(requireWorkspace(req).workspaceId),
  );

  app.patch(
    `${base}/tags/settings`,
    { schema: { params: WorkspaceParams, body: UpdateTagSettingsBody, response: { 200: TagSettingsDto }, tags, summary: "Change tag settings" }, config: manage },
    async (req) => services.tags.updateSettings(requireWorkspace(req), req.body),
  );

  app.post(
    `${base}/tags`,
    {
      schema: {
        params: WorkspaceParams,
        body: CreateTagBody,
        response: { 201: TagDto },
        tags,
        summary: "Create a tag: manual, computed by a segment rule, or a level of a quantile scheme",
        description:
          "A quantile tag needs an exclusive group; its definition names every level (top first) and the tags of levels not found in the group are created.",
      },
      config: manage,
    },
    async (req, reply) => reply.code(201).send(await services.tags.create(requireWorkspace(req), req.body)),
  );

  app.get(
    `${base}/tags/:tagId`,
    { schema: { params: TagParams, response: { 200: TagDto }, tags, summary: "One tag" }, config: read },
    async (req) => services.tags.get(requireWorkspace(req), req.params.tagId),
  );

  app.patch(
    `${base}/tags/:tagId`,
    { schema: { params: TagParams, body: UpdateTagBody, response: { 200: TagDto }, tags, summary: "Rename, regroup, recolour a tag or change its definition" }, config: manage },
    async (req) => services.tags.update(requireWorkspace(req), req.params.tagId, req.body),
  );

  app.delete(
    `${base}/tags/:tagId`,
    { schema: { params: TagParams, response: { 204: z.null() }, tags, summary: "Delete a tag; its holders lose it (tag.removed events)" }, config: manage },
    async (req, reply) => {
      await services.tags.remove(requireWorkspace(req), req.params.tagId);
      return reply.code(204).send(null);
    },
  );

  for (const [action, summary] of [
    ["assign", "Give a manual tag to customers named by profile id or identifier"],
    ["unassign", "Take a manual tag from customers named by profile id or identifier"],
  ] as const) {
    app.post(
      `${base}/tags/:tagId/${action}`,
      {
        schema: {
          params: TagParams,
          body: AssignTagBody,
          response: { 200: TagAssignResultDto },
          tags,
          summary,
          description: "Up to 10,000 of each. Unknown customers and malformed identifiers are reported per item; the rest are applied.",
        },
        config: manage,
      },
      async (req) =>
        action === "assign"
          ? services.tags.assign(requireWorkspace(req), req.params.tagId, req.body)
          : services.tags.unassign(requireWorkspace(req), req.params.tagId, req.body),
    );
  }

  app.post(
    `${base}/tags/:tagId/recompute`,
    {
      schema: {
        params: TagParams,
        body: Empty,
        response: { 200: TagRecomputeDto },
        tags,
        summary: "Recompute a rule or quantile tag now (a quantile tag: all levels of its scheme)",
      },
      // A manual tag has nothing to recompute (409); the changes are logged as tag events and an audit entry.
      config: { ...manage, audited: false },
    },
    async (req) => services.tags.recompute(requireWorkspace(req), req.params.tagId),
  );

  app.post(
    `${base}/tag-groups`,
    { schema: { params: WorkspaceParams, body: CreateTagGroupBody, response: { 201: TagGroupDto }, tags, summary: "Create a tag group" }, config: manage },
    async (req, reply) => reply.code(201).send(await services.tags.createGroup(requireWorkspace(req), req.body)),
  );

  app.patch(
    `${base}/tag-groups/:groupId`,
    { schema: { params: TagGroupParams, body: UpdateTagGroupBody, response: { 200: TagGroupDto }, tags, summary: "Change a tag group" }, config: manage },
    async (req) => services.tags.updateGroup(requireWorkspace(req), req.params.groupId, req.body),
  );

  app.delete(
    `${base}/tag-groups/:groupId`,
    { schema: { params: TagGroupParams, response: { 204: z.null() }, tags, summary: "Delete an empty tag group" }, config: manage },
    async (req, reply) => {
      await services.tags.removeGroup(requireWorkspace(req), req.params.groupId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${base}/customers/:profileId/tags`,
    { schema: { params: ProfileParams, response: { 200: ProfileTagListDto }, tags, summary: "The tags a customer holds" }, config: read },
    async (req) => ({ items: await services.tags.tagsOf(requireWorkspace(req), req.params.profileId) }),
  );

  app.put(
    `${base}/customers/:profileId/tags/:tagId`,
    {
      schema: { params: ProfileTagParams, body: Empty, response: { 200: ProfileTagListDto }, tags, summary: "Give a customer a manual tag (nothing changes if they hold it)" },
      config: manage,
    },
    async (req) => ({ items: await services.tags.addToProfile(requireWorkspace(req), req.params.profileId, req.params.tagId) }),
  );

  app.delete(
    `${base}/customers/:profileId/tags/:tagId`,
    { schema: { params: ProfileTagParams, response: { 204: z.null() }, tags, summary: "Take a manual tag from a customer" }, config: manage },
    async (req, reply) => {
      await services.tags.removeFromProfile(requireWorkspace(req), req.params.profileId, req.params.tagId);
      return reply.code(204).send(null);
    },
  );

  // The CSV upload reads its body as text, in its own scope so the JSON routes keep JSON.
  await app.register(async (scope) => {
    acceptCsvBodies(scope);
    scope.withTypeProvider<ZodTypeProvider>().post(
      `${base}/tags/import`,
      {
        bodyLimit: DEFAULT_IMPORT_SETTINGS.maxUploadBytes,
        schema: {
          params: WorkspaceParams,
          querystring: TagImportQuery,
          body: ImportCsvBody,
          response: { 200: TagImportReportDto, 400: ErrorDto },
          consumes: ["text/csv"],
          tags,
          summary: "Give manual tags to customers from a CSV file",
          description:
            "Columns by header name: tag (the tag's name; add group when names repeat across groups) or tag_id, and the customer: " +
            "identifier_type + identifier_value, profile_id, or a phone / user_id / email … column. Rows that name no tag or no customer " +
            "are reported with line, field and reason; the others are applied.",
        },
        config: manage,
      },
      async (req) => services.tags.importCsv(requireWorkspace(req), req.body, { fileName: req.query.fileName }),
    );
  });
};
