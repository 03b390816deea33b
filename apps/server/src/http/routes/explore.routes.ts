import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ADMIN_KEY_PERMISSIONS,
  CreateSavedReportBody,
  EventsQuery,
  EventsResultDto,
  FunnelDroppedBody,
  FunnelDroppedPageDto,
  FunnelQuery,
  FunnelResultDto,
  PathsQuery,
  PathsResultDto,
  RetentionQuery,
  RetentionResultDto,
  roleCan,
  SaveDroppedSegmentBody,
  SavedDroppedSegmentDto,
  SavedReportDto,
  SavedReportListDto,
  SavedReportListQuery,
  SavedReportParams,
  UpdateSavedReportBody,
  WorkspaceParams,
} from "@siyu/contracts";
import type { CoreServices, PiiAccess } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Analytics"];
const base = "/api/v1/workspaces/:workspaceId/analytics";

/** Unmasked names need "customers.pii": by role for operators, by key scope for admin keys. */
function piiAccess(req: FastifyRequest): PiiAccess {
  if (req.credentials?.kind === "api_key") return { pii: ADMIN_KEY_PERMISSIONS.includes("customers.pii") };
  return { pii: req.role !== null && roleCan(req.role, "customers.pii") };
}

/**
 * Event analysis, funnels, retention and paths over the warehouse (queries as bodies: POST,
 * read-only, so not audited), the funnel drill and its save-as-segment, and saved reports.
 */
export const exploreRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  const read = { auth: "workspace", permission: "analytics.read", audited: false } as const;

  app.post(
    `${base}/events`,
    { schema: { params: WorkspaceParams, body: EventsQuery, response: { 200: EventsResultDto }, tags, summary: "An event counted, summed or as unique customers over time" }, config: read },
    async (req) => services.explore.events(requireWorkspace(req), req.body),
  );
  app.post(
    `${base}/funnels`,
    { schema: { params: WorkspaceParams, body: FunnelQuery, response: { 200: FunnelResultDto }, tags, summary: "Ordered steps: counts, transition probabilities, time to convert" }, config: read },
    async (req) => services.explore.funnel(requireWorkspace(req), req.body),
  );
  app.post(
    `${base}/funnels/dropped`,
    {
      schema: { params: WorkspaceParams, body: FunnelDroppedBody, response: { 200: FunnelDroppedPageDto }, tags, summary: "Customers who dropped at a funnel step, a page at a time" },
      config: read,
    },
    async (req) => services.explore.funnelDropped(requireWorkspace(req), req.body, piiAccess(req)),
  );
  app.post(
    `${base}/funnels/dropped/segment`,
    {
      schema: {
        params: WorkspaceParams,
        body: SaveDroppedSegmentBody,
        response: { 201: SavedDroppedSegmentDto },
        tags,
        summary: "Save the customers who dropped at a step as a segment",
        description: "Gives them a new manual tag (named like the segment) and creates a segment of its holders, so the list stays fixed.",
      },
      config: { auth: "workspace", permission: "segments.manage" },
    },
    async (req, reply) => reply.code(201).send(await services.explore.saveDroppedAsSegment(requireWorkspace(req), req.body)),
  );
  app.post(
    `${base}/retention`,
    { schema: { params: WorkspaceParams, body: RetentionQuery, response: { 200: RetentionResultDto }, tags, summary: "Cohort retention table" }, config: read },
    async (req) => services.explore.retention(requireWorkspace(req), req.body),
  );
  app.post(
    `${base}/paths`,
    { schema: { params: WorkspaceParams, body: PathsQuery, response: { 200: PathsResultDto }, tags, summary: "Next or previous events around an event (Sankey)" }, config: read },
    async (req) => services.explore.paths(requireWorkspace(req), req.body),
  );

  app.get(
    `${base}/reports`,
    {
      schema: { params: WorkspaceParams, querystring: SavedReportListQuery, response: { 200: SavedReportListDto }, tags, summary: "Saved reports, optionally of one kind" },
      config: { auth: "workspace", permission: "analytics.read" },
    },
    async (req) => ({ items: await services.explore.reports.list(requireWorkspace(req), req.query.kind) }),
  );
  app.post(
    `${base}/reports`,
    {
      schema: { params: WorkspaceParams, body: CreateSavedReportBody, response: { 201: SavedReportDto }, tags, summary: "Save a report (an explore query is checked against its kind)" },
      config: { auth: "workspace", permission: "analytics.manage" },
    },
    async (req, reply) => reply.code(201).send(await services.explore.reports.create(requireWorkspace(req), req.body)),
  );
  app.get(
    `${base}/reports/:reportId`,
    { schema: { params: SavedReportParams, response: { 200: SavedReportDto }, tags, summary: "One saved report" }, config: { auth: "workspace", permission: "analytics.read" } },
    async (req) => services.explore.reports.get(requireWorkspace(req), req.params.reportId),
  );
  app.patch(
    `${base}/reports/:reportId`,
    {
      schema: { params: SavedReportParams, body: UpdateSavedReportBody, response: { 200: SavedReportDto }, tags, summary: "Rename a saved report or change its query" },
      config: { auth: "workspace", permission: "analytics.manage" },
    },
    async (req) => services.explore.reports.update(requireWorkspace(req), req.params.reportId, req.body),
  );
  app.delete(
    `${base}/reports/:reportId`,
    { schema: { params: SavedReportParams, response: { 204: z.null() }, tags, summary: "Delete a saved report" }, config: { auth: "workspace", permission: "analytics.manage" } },
    async (req, reply) => {
      await services.explore.reports.remove(requireWorkspace(req), req.params.reportId);
      return reply.code(204).send(null);
    },
  );
};
