import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  CreateJourneyBody,
  InvalidGraphDetailsDto,
  JourneyBody,
  JourneyDto,
  JourneyEntriesBody,
  JourneyEntriesResultDto,
  JourneyListDto,
  JourneyParams,
  JourneyReportDto,
  JourneyRunListDto,
  JourneyRunsQuery,
  JourneyTaskDto,
  JourneyTaskListDto,
  JourneyTaskParams,
  JourneyTasksQuery,
  WorkspaceParams,
} from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Journeys"];
const base = "/api/v1/workspaces/:workspaceId/journeys";
const read = { auth: "workspace", permission: "journeys.read" } as const;
const manage = { auth: "workspace", permission: "journeys.manage" } as const;
const NoBody = z.strictObject({}).nullish();

export const journeysRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  const { journeys } = services;
  app.get(base, { schema: { params: WorkspaceParams, response: { 200: JourneyListDto }, tags, summary: "Journeys (drafts, live, paused, archived)" }, config: read }, async (req) => ({
    items: await journeys.list(requireWorkspace(req)),
  }));

  app.post(
    base,
    { schema: { params: WorkspaceParams, body: CreateJourneyBody, response: { 201: JourneyDto }, tags, summary: "Create a draft journey (optionally from a playbook)" }, config: manage },
    async (req, reply) => reply.code(201).send(await journeys.create(requireWorkspace(req), req.body)),
  );

  app.get(`${base}/:journeyId`, { schema: { params: JourneyParams, response: { 200: JourneyDto }, tags, summary: "A journey with its draft graph" }, config: read }, async (req) =>
    journeys.get(requireWorkspace(req), req.params.journeyId),
  );

  app.put(
    `${base}/:journeyId`,
    { schema: { params: JourneyParams, body: JourneyBody, response: { 200: JourneyDto }, tags, summary: "Replace the draft (customers see it once published)" }, config: manage },
    async (req) => journeys.update(requireWorkspace(req), req.params.journeyId, req.body),
  );

  app.delete(
    `${base}/:journeyId`,
    { schema: { params: JourneyParams, response: { 204: z.null() }, tags, summary: "Delete a journey that was never published" }, config: manage },
    async (req, reply) => {
      await journeys.remove(requireWorkspace(req), req.params.journeyId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${base}/:journeyId/validate`,
    { schema: { params: JourneyParams, body: NoBody, response: { 200: InvalidGraphDetailsDto }, tags, summary: "The draft's problems, each naming its node, without publishing" }, config: { ...read, audited: false } },
    async (req) => journeys.validate(requireWorkspace(req), req.params.journeyId),
  );

  for (const [action, summary] of [
    ["publish", "Publish the draft as a new version (422 journeys.invalid_graph with the problems); runs in progress finish on their version"],
    ["pause", "Stop new entries (runs in progress go on)"],
    ["resume", "Take entries again"],
    ["archive", "End the journey: runs in progress exit"],
  ] as const) {
    app.post(`${base}/:journeyId/${action}`, { schema: { params: JourneyParams, body: NoBody, response: { 200: JourneyDto }, tags, summary }, config: manage }, async (req) =>
      journeys[action](requireWorkspace(req), req.params.journeyId),
    );
  }

  app.post(
    `${base}/:journeyId/entries`,
    {
      schema: { params: JourneyParams, body: JourneyEntriesBody, response: { 200: JourneyEntriesResultDto }, tags, summary: "Enter customers into a live journey with an api trigger (idempotent per key)" },
      config: manage,
    },
    async (req) => journeys.enter(requireWorkspace(req), req.params.journeyId, req.body),
  );

  app.get(
    `${base}/:journeyId/runs`,
    { schema: { params: JourneyParams, querystring: JourneyRunsQuery, response: { 200: JourneyRunListDto }, tags, summary: "Runs, newest first" }, config: read },
    async (req) => journeys.runs(requireWorkspace(req), req.params.journeyId, req.query),
  );

  app.get(
    `${base}/:journeyId/report`,
    { schema: { params: JourneyParams, response: { 200: JourneyReportDto }, tags, summary: "Entered, in progress, goals against the holdout, per-node counts and messages" }, config: read },
    async (req) => journeys.report(requireWorkspace(req), req.params.journeyId),
  );

  // Store tasks are for the store managers (who see their stores only): customer permissions, not journeys.
  app.get(
    "/api/v1/workspaces/:workspaceId/journey-tasks",
    { schema: { params: WorkspaceParams, querystring: JourneyTasksQuery, response: { 200: JourneyTaskListDto }, tags, summary: "Follow-up tasks journeys created for stores" }, config: { auth: "workspace", permission: "customers.read" } },
    async (req) => journeys.tasks(requireWorkspace(req), req.query),
  );

  app.post(
    "/api/v1/workspaces/:workspaceId/journey-tasks/:journeyTaskId/complete",
    { schema: { params: JourneyTaskParams, body: NoBody, response: { 200: JourneyTaskDto }, tags, summary: "Mark a store task done" }, config: { auth: "workspace", permission: "customers.pii" } },
    async (req) => journeys.completeTask(requireWorkspace(req), req.params.journeyTaskId),
  );
};
