import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  AlertEventDto,
  AlertEventListDto,
  AlertEventParams,
  AlertEventsQuery,
  AlertPreviewDto,
  AlertRuleBody,
  AlertRuleDto,
  AlertRuleListDto,
  AlertRuleParams,
  WorkspaceParams,
} from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Alerts"];
const base = "/api/v1/workspaces/:workspaceId/alerts";

export const alertsRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(
    `${base}/rules`,
    { schema: { params: WorkspaceParams, response: { 200: AlertRuleListDto }, tags, summary: "Alert rules with their state" }, config: { auth: "workspace", permission: "analytics.read" } },
    async (req) => ({ items: await services.alerts.listRules(requireWorkspace(req)) }),
  );

  app.post(
    `${base}/rules`,
    {
      schema: { params: WorkspaceParams, body: AlertRuleBody, response: { 201: AlertRuleDto }, tags, summary: "Create an alert rule" },
      config: { auth: "workspace", permission: "analytics.manage" },
    },
    async (req, reply) => reply.code(201).send(await services.alerts.createRule(requireWorkspace(req), req.body)),
  );

  app.post(
    `${base}/rules/defaults`,
    {
      schema: { params: WorkspaceParams, body: z.strictObject({}).nullish(), response: { 200: AlertRuleListDto }, tags, summary: "Install the brand plans' alert rules the workspace does not have yet" },
      config: { auth: "workspace", permission: "analytics.manage" },
    },
    async (req) => ({ items: await services.alerts.installDefaults(requireWorkspace(req)) }),
  );

  app.put(
    `${base}/rules/:ruleId`,
    {
      schema: { params: AlertRuleParams, body: AlertRuleBody, response: { 200: AlertRuleDto }, tags, summary: "Replace a rule's terms (a changed metric or condition starts its evaluation afresh)" },
      config: { auth: "workspace", permission: "analytics.manage" },
    },
    async (req) => services.alerts.updateRule(requireWorkspace(req), req.params.ruleId, req.body),
  );

  app.delete(
    `${base}/rules/:ruleId`,
    { schema: { params: AlertRuleParams, response: { 204: z.null() }, tags, summary: "Delete a rule and its alerts" }, config: { auth: "workspace", permission: "analytics.manage" } },
    async (req, reply) => {
      await services.alerts.deleteRule(requireWorkspace(req), req.params.ruleId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${base}/preview`,
    {
      schema: { params: WorkspaceParams, body: AlertRuleBody, response: { 200: AlertPreviewDto }, tags, summary: "A rule's series over the last 26 periods, judged: where it would fire and resolve (nothing is saved)" },
      config: { auth: "workspace", permission: "analytics.read", audited: false },
    },
    async (req) => services.alerts.preview(requireWorkspace(req), req.body),
  );

  app.post(
    `${base}/evaluation`,
    {
      schema: { params: WorkspaceParams, body: z.strictObject({}).nullish(), response: { 200: z.object({ changed: z.number() }) }, tags, summary: "Evaluate the workspace's rules on every period that is over now" },
      config: { auth: "workspace", permission: "analytics.manage" },
    },
    async (req) => services.alerts.evaluateNow(requireWorkspace(req)),
  );

  app.get(
    `${base}/events`,
    { schema: { params: WorkspaceParams, querystring: AlertEventsQuery, response: { 200: AlertEventListDto }, tags, summary: "Alerts raised and resolved, newest first" }, config: { auth: "workspace", permission: "analytics.read" } },
    async (req) => services.alerts.events(requireWorkspace(req), req.query),
  );

  app.post(
    `${base}/events/:eventId/acknowledgement`,
    {
      schema: { params: AlertEventParams, body: z.strictObject({}).nullish(), response: { 200: AlertEventDto }, tags, summary: "Acknowledge an alert (it leaves the notifications)" },
      config: { auth: "workspace", permission: "analytics.read" },
    },
    async (req) => services.alerts.acknowledge(requireWorkspace(req), req.params.eventId),
  );
};
