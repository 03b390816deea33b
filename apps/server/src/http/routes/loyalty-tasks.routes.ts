import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import {
  BadgeDto,
  BadgeEvaluationDto,
  BadgeListDto,
  BadgeParams,
  CreateBadgeBody,
  CreateTaskBody,
  MemberBadgeListDto,
  MemberTaskListDto,
  ProfileParams,
  TaskDto,
  TaskListDto,
  TaskParams,
  UpdateBadgeBody,
  UpdateTaskBody,
  WorkspaceParams,
} from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Loyalty"];
const base = "/api/v1/workspaces/:workspaceId";
const read = { auth: "workspace", permission: "loyalty.read" } as const;
const manage = { auth: "workspace", permission: "loyalty.manage" } as const;

/** Member tasks and badges / honour titles: definitions (audited) and each customer's progress and holdings. */
export const loyaltyTasksRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.get(`${base}/loyalty/tasks`, { schema: { params: WorkspaceParams, response: { 200: TaskListDto }, tags, summary: "Member tasks (active and paused)" }, config: read }, async (req) => ({
    items: await services.tasks.list(requireWorkspace(req)),
  }));

  app.post(
    `${base}/loyalty/tasks`,
    { schema: { params: WorkspaceParams, body: CreateTaskBody, response: { 201: TaskDto }, tags, summary: "Create a task: steps, kind (once, daily, weekly, new_member) and reward" }, config: manage },
    async (req, reply) => reply.code(201).send(await services.tasks.create(requireWorkspace(req), req.body)),
  );

  app.get(`${base}/loyalty/tasks/:taskId`, { schema: { params: TaskParams, response: { 200: TaskDto }, tags, summary: "A task" }, config: read }, async (req) =>
    services.tasks.get(requireWorkspace(req), req.params.taskId),
  );

  app.put(
    `${base}/loyalty/tasks/:taskId`,
    { schema: { params: TaskParams, body: UpdateTaskBody, response: { 200: TaskDto }, tags, summary: "Replace a task's definition (progress made stays)" }, config: manage },
    async (req) => services.tasks.update(requireWorkspace(req), req.params.taskId, req.body),
  );

  app.delete(
    `${base}/loyalty/tasks/:taskId`,
    { schema: { params: TaskParams, response: { 204: z.null() }, tags, summary: "Archive a task: no more progress; completions and rewards stay" }, config: manage },
    async (req, reply) => {
      await services.tasks.archive(requireWorkspace(req), req.params.taskId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    `${base}/customers/:profileId/tasks`,
    { schema: { params: ProfileParams, response: { 200: MemberTaskListDto }, tags, summary: "A customer's tasks: step progress and completion in the current period" }, config: read },
    async (req) => ({ items: await services.tasks.ofCustomer(requireWorkspace(req), req.params.profileId) }),
  );

  app.get(`${base}/loyalty/badges`, { schema: { params: WorkspaceParams, response: { 200: BadgeListDto }, tags, summary: "Badges and honour titles with their holder counts" }, config: read }, async (req) => ({
    items: await services.badges.list(requireWorkspace(req)),
  }));

  app.post(
    `${base}/loyalty/badges`,
    { schema: { params: WorkspaceParams, body: CreateBadgeBody, response: { 201: BadgeDto }, tags, summary: "Create a badge or title granted by a segments rule" }, config: manage },
    async (req, reply) => reply.code(201).send(await services.badges.create(requireWorkspace(req), req.body)),
  );

  app.get(`${base}/loyalty/badges/:badgeId`, { schema: { params: BadgeParams, response: { 200: BadgeDto }, tags, summary: "A badge" }, config: read }, async (req) =>
    services.badges.get(requireWorkspace(req), req.params.badgeId),
  );

  app.put(
    `${base}/loyalty/badges/:badgeId`,
    { schema: { params: BadgeParams, body: UpdateBadgeBody, response: { 200: BadgeDto }, tags, summary: "Replace a badge's definition (holders are judged again at the next evaluation)" }, config: manage },
    async (req) => services.badges.update(requireWorkspace(req), req.params.badgeId, req.body),
  );

  app.delete(
    `${base}/loyalty/badges/:badgeId`,
    { schema: { params: BadgeParams, response: { 204: z.null() }, tags, summary: "Archive a badge: no longer granted nor shown" }, config: manage },
    async (req, reply) => {
      await services.badges.archive(requireWorkspace(req), req.params.badgeId);
      return reply.code(204).send(null);
    },
  );

  app.post(
    `${base}/loyalty/badges/:badgeId/evaluation`,
    { schema: { params: BadgeParams, body: z.strictObject({}).optional(), response: { 200: BadgeEvaluationDto }, tags, summary: "Grant (and revoke) the badge by its rule now" }, config: manage },
    async (req) => services.badges.evaluate(requireWorkspace(req), req.params.badgeId),
  );

  app.get(
    `${base}/customers/:profileId/badges`,
    { schema: { params: ProfileParams, response: { 200: MemberBadgeListDto }, tags, summary: "A customer's badges and titles" }, config: read },
    async (req) => ({ items: await services.badges.ofCustomer(requireWorkspace(req), req.params.profileId) }),
  );
};
