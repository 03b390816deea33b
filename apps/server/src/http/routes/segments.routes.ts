import { Readable } from "node:stream";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  ADMIN_KEY_PERMISSIONS,
  CreateSegmentBody,
  PreviewSegmentBody,
  roleCan,
  SegmentCatalogueDto,
  SegmentDto,
  SegmentHistoryDto,
  SegmentListDto,
  SegmentMembersPageDto,
  SegmentMembersQuery,
  SegmentParams,
  SegmentPreviewDto,
  SegmentRefreshDto,
  SegmentSettingsDto,
  UpdateSegmentBody,
  UpdateSegmentSettingsBody,
  WorkspaceParams,
} from "@siyu/contracts";
import { invalidRule, type CoreServices, type PiiAccess } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Segments"];
const base = "/api/v1/workspaces/:workspaceId/segments";

/** Unmasked personal data needs "customers.pii": by role for operators, by key scope for admin keys. */
function piiAccess(req: FastifyRequest): PiiAccess {
  if (req.credentials?.kind === "api_key") return { pii: ADMIN_KEY_PERMISSIONS.includes("customers.pii") };
  return { pii: req.role !== null && roleCan(req.role, "customers.pii") };
}

/**
 * Rule-bearing bodies validate with attachValidation: a shape error inside `rule` becomes the
 * same 400 segments.invalid_rule as a meaning error, with the path from the rule's root
 * (["rules", 1, "op"]); any other validation error goes to the errors plugin as usual.
 */
function throwValidation(req: FastifyRequest) {
  const error = req.validationError;
  if (!error) return;
  if (!hasZodFastifySchemaValidationErrors(error) || error.validationContext !== "body") throw error;
  const issues: { instancePath: string; keyword: string; params: unknown; message?: string }[] = error.validation;
  const inRule = (path: string) => path === "/rule" || path.startsWith("/rule/");
  if (!issues.length || !issues.every((v) => inRule(v.instancePath))) throw error;
  throw invalidRule(
    issues.flatMap((v) => {
      const path = v.instancePath
        .split("/")
        .filter(Boolean)
        .slice(1)
        .map((p: string) => (/^\d+$/.test(p) ? Number(p) : p));
      const keys = v.keyword === "unrecognized_keys" ? (v.params as { keys?: string[] }).keys : undefined;
      if (keys?.length) return keys.map((key) => ({ path: [...path, key], message: "is not a known field" }));
      return [{ path, message: v.message ?? "is invalid" }];
    }),
  );
}

export const segmentsRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(
    base,
    {
      schema: { params: WorkspaceParams, response: { 200: SegmentListDto }, tags, summary: "Segments with their size and size trend" },
      config: { auth: "workspace", permission: "segments.read" },
    },
    async (req) => ({ items: await services.segments.list(requireWorkspace(req)) }),
  );

  app.post(
    base,
    {
      schema: { params: WorkspaceParams, body: CreateSegmentBody, response: { 201: SegmentDto }, tags, summary: "Create a segment; its membership is computed at once" },
      config: { auth: "workspace", permission: "segments.manage" },
      attachValidation: true,
    },
    async (req, reply) => {
      throwValidation(req);
      return reply.code(201).send(await services.segments.create(requireWorkspace(req), req.body));
    },
  );

  app.post(
    `${base}/preview`,
    {
      schema: { params: WorkspaceParams, body: PreviewSegmentBody, response: { 200: SegmentPreviewDto }, tags, summary: "Count and sample the customers a rule matches now (nothing is saved)" },
      config: { auth: "workspace", permission: "segments.read", audited: false },
      attachValidation: true,
    },
    async (req) => {
      throwValidation(req);
      return services.segments.preview(requireWorkspace(req), req.body.rule, req.body.sampleSize ?? 10, piiAccess(req));
    },
  );

  app.get(
    `${base}/catalogue`,
    {
      schema: { params: WorkspaceParams, response: { 200: SegmentCatalogueDto }, tags, summary: "Traits and recent events (with property keys) a rule can test" },
      config: { auth: "workspace", permission: "segments.read" },
    },
    async (req) => services.segments.catalogue(requireWorkspace(req)),
  );

  app.get(
    `${base}/settings`,
    {
      schema: { params: WorkspaceParams, response: { 200: SegmentSettingsDto }, tags, summary: "Segment defaults: refresh interval, catalogue look-back" },
      config: { auth: "workspace", permission: "segments.read" },
    },
    async (req) => services.segments.settings(requireWorkspace(req).workspaceId),
  );

  app.patch(
    `${base}/settings`,
    {
      schema: { params: WorkspaceParams, body: UpdateSegmentSettingsBody, response: { 200: SegmentSettingsDto }, tags, summary: "Change segment defaults" },
      config: { auth: "workspace", permission: "segments.manage" },
    },
    async (req) => services.segments.updateSettings(requireWorkspace(req), req.body),
  );

  app.get(
    `${base}/:segmentId`,
    {
      schema: { params: SegmentParams, response: { 200: SegmentDto }, tags, summary: "A segment with its rule" },
      config: { auth: "workspace", permission: "segments.read" },
    },
    async (req) => services.segments.get(requireWorkspace(req), req.params.segmentId),
  );

  app.patch(
    `${base}/:segmentId`,
    {
      schema: { params: SegmentParams, body: UpdateSegmentBody, response: { 200: SegmentDto }, tags, summary: "Change a segment; a new rule is evaluated at once" },
      config: { auth: "workspace", permission: "segments.manage" },
      attachValidation: true,
    },
    async (req) => {
      throwValidation(req);
      return services.segments.update(requireWorkspace(req), req.params.segmentId, req.body);
    },
  );

  app.delete(
    `${base}/:segmentId`,
    {
      schema: { params: SegmentParams, response: { 204: z.null() }, tags, summary: "Delete a segment (refused while another segment references it)" },
      config: { auth: "workspace", permission: "segments.manage" },
    },
    async (req, reply) => {
      await services.segments.remove(requireWorkspace(req), req.params.segmentId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${base}/:segmentId/refresh`,
    {
      schema: { params: SegmentParams, body: z.strictObject({}).optional(), response: { 200: SegmentRefreshDto }, tags, summary: "Re-evaluate a segment now" },
      config: { auth: "workspace", permission: "segments.manage" },
    },
    async (req) => services.segments.refresh(requireWorkspace(req), req.params.segmentId),
  );

  app.get(
    `${base}/:segmentId/members`,
    {
      schema: { params: SegmentParams, querystring: SegmentMembersQuery, response: { 200: SegmentMembersPageDto }, tags, summary: "Members as of the last refresh (masked without customers.pii)" },
      config: { auth: "workspace", permission: "segments.read" },
    },
    async (req) => services.segments.members(requireWorkspace(req), req.params.segmentId, req.query, piiAccess(req)),
  );

  app.get(
    `${base}/:segmentId/history`,
    {
      schema: { params: SegmentParams, response: { 200: SegmentHistoryDto }, tags, summary: "Size, entered and exited at each refresh" },
      config: { auth: "workspace", permission: "segments.read" },
    },
    async (req) => services.segments.history(requireWorkspace(req), req.params.segmentId),
  );

  app.get(
    `${base}/:segmentId/export.csv`,
    {
      schema: {
        params: SegmentParams,
        response: { 200: z.string().describe("text/csv: profile_id,name,phone,email,city,order_count,total_spend,last_order_at") },
        tags,
        summary: "Members as CSV (UTF-8 with BOM; masked without customers.pii)",
      },
      config: { auth: "workspace", permission: "segments.read" },
    },
    async (req, reply) => {
      const ctx = requireWorkspace(req);
      // Not found answers as JSON before the stream starts.
      const segment = await services.segments.get(ctx, req.params.segmentId);
      const rows = services.segments.exportCsv(ctx, segment.id, piiAccess(req));
      const body = Readable.from(
        (async function* () {
          yield "\uFEFF";
          yield* rows;
        })(),
      );
      const fileName = `segment-${segment.id}.csv`;
      return reply.type("text/csv; charset=utf-8").header("content-disposition", `attachment; filename="${fileName}"`).send(body as unknown as string); // streamed: the schema documents the text, not an object to serialise
    },
  );
};
