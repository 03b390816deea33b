import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ConsentListDto,
  SetConsentsBody,
  ConflictListDto,
  ConflictParams,
  MergeParams,
  ProfileDto,
  ProfileListQuery,
  ProfilePageDto,
  ProfileParams,
  SplitResultDto,
  IdentitySettingsDto,
  UpdateIdentitySettingsBody,
  TimelineDto,
  TimelineQuery,
  WorkspaceParams,
} from "@siyu/contracts";
import { identityErrors, splitProfileMerge, type CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Customers"];

export const customersRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(
    "/api/v1/workspaces/:workspaceId/customers",
    {
      schema: { params: WorkspaceParams, querystring: ProfileListQuery, response: { 200: ProfilePageDto }, tags, summary: "Search customers by phone, name or any identifier" },
      config: { auth: "workspace", permission: "customers.read" },
    },
    async (req) => {
      const ctx = requireWorkspace(req);
      return services.profiles.list(ctx, req.query, await services.identity.settings(ctx.workspaceId));
    },
  );

  app.get(
    "/api/v1/workspaces/:workspaceId/customers/:profileId",
    {
      schema: { params: ProfileParams, response: { 200: ProfileDto }, tags, summary: "Customer 360: identities, traits, stats, orders, merge history" },
      config: { auth: "workspace", permission: "customers.read" },
    },
    async (req) => {
      const ctx = requireWorkspace(req);
      const profile = await services.profiles.get(ctx, req.params.profileId);
      const [identifiers, merges] = await Promise.all([services.identity.identifiersOf(ctx, profile.id), services.identity.mergesOf(ctx, profile.id)]);
      return {
        ...profile,
        identifiers: identifiers.map((i) => ({ ...i, firstSeenAt: i.firstSeenAt.toISOString() })),
        merges: merges.map((m) => ({
          id: m.id,
          mergedProfileId: m.mergedProfileId,
          at: m.at.toISOString(),
          messageId: m.messageId,
          survivorIdentifierIds: m.survivorIdentifierIds,
          mergedIdentifierIds: m.mergedIdentifierIds,
          splitAt: m.splitAt?.toISOString() ?? null,
          splitBy: m.splitBy,
        })),
      };
    },
  );

  app.get(
    "/api/v1/workspaces/:workspaceId/customers/:profileId/events",
    {
      schema: { params: ProfileParams, querystring: TimelineQuery, response: { 200: TimelineDto }, tags, summary: "A customer's events, newest first" },
      config: { auth: "workspace", permission: "customers.read" },
    },
    async (req) => services.profiles.timeline(requireWorkspace(req), req.params.profileId, req.query),
  );

  app.post(
    "/api/v1/workspaces/:workspaceId/customers/:profileId/merges/:mergeId/split",
    {
      schema: {
        params: MergeParams,
        body: z.strictObject({}).optional(),
        response: { 200: SplitResultDto },
        tags,
        summary: "Split a wrong merge: both profiles come back as they were, and stay apart",
      },
      config: { auth: "workspace", permission: "customers.manage" },
    },
    async (req) => {
      const ctx = requireWorkspace(req);
      const profileId = await services.profiles.resolveId(ctx, req.params.profileId);
      // The merge must be this customer's: a merge id from another customer's page is not found here.
      const merges = await services.identity.mergesOf(ctx, profileId);
      if (!merges.some((m) => m.id === req.params.mergeId)) throw identityErrors.error("identity.merge_not_found", "No such merge for this customer.");
      const change = await splitProfileMerge(services, ctx, req.params.mergeId);
      return { profileIds: change.liveProfiles };
    },
  );

  app.get(
    "/api/v1/workspaces/:workspaceId/customers/:profileId/consents",
    {
      schema: { params: ProfileParams, response: { 200: ConsentListDto }, tags, summary: "Consent in force per channel and purpose" },
      config: { auth: "workspace", permission: "customers.read" },
    },
    async (req) => ({ items: await services.consents.list(requireWorkspace(req), req.params.profileId) }),
  );

  app.put(
    "/api/v1/workspaces/:workspaceId/customers/:profileId/consents",
    {
      schema: {
        params: ProfileParams,
        body: SetConsentsBody,
        response: { 200: ConsentListDto },
        tags,
        summary: "Record consent decisions (granted or withdrawn) per channel and purpose; unchanged ones are no-ops",
      },
      config: { auth: "workspace", permission: "customers.manage" },
    },
    async (req) => {
      const ctx = requireWorkspace(req);
      const source = ctx.actor.type === "api_key" ? "api" : "operator";
      return { items: await services.consents.set(ctx, req.params.profileId, req.body, source) };
    },
  );

  app.get(
    "/api/v1/workspaces/:workspaceId/identity/settings",
    {
      schema: { params: WorkspaceParams, response: { 200: IdentitySettingsDto }, tags, summary: "Identity rules: merge limits per identifier type, junk values" },
      config: { auth: "workspace", permission: "customers.read" },
    },
    async (req) => services.identity.settings(requireWorkspace(req).workspaceId),
  );

  app.patch(
    "/api/v1/workspaces/:workspaceId/identity/settings",
    {
      schema: {
        params: WorkspaceParams,
        body: UpdateIdentitySettingsBody,
        response: { 200: IdentitySettingsDto },
        tags,
        summary: "Change identity rules; they apply to links judged from now on",
      },
      config: { auth: "workspace", permission: "customers.manage" },
    },
    async (req) => services.identity.updateSettings(requireWorkspace(req), req.body),
  );

  app.get(
    "/api/v1/workspaces/:workspaceId/identity/conflicts",
    {
      schema: { params: WorkspaceParams, response: { 200: ConflictListDto }, tags, summary: "Links refused by the merge rules, waiting for review" },
      config: { auth: "workspace", permission: "customers.read" },
    },
    async (req) => ({ items: await services.identity.listConflicts(requireWorkspace(req), 200) }),
  );

  app.post(
    "/api/v1/workspaces/:workspaceId/identity/conflicts/:aId/:bId/dismiss",
    {
      schema: { params: ConflictParams, body: z.strictObject({}).optional(), response: { 204: z.null() }, tags, summary: "Confirm the two are different people" },
      config: { auth: "workspace", permission: "customers.manage" },
    },
    async (req, reply) => {
      await services.identity.dismissConflict(requireWorkspace(req), req.params.aId, req.params.bId);
      return reply.code(204).send(null);
    },
  );
};
