import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { CheckInBody, CheckInCalendarDto, CheckInCalendarQuery, CheckInResultDto, GrantMakeUpCardsBody, MakeUpCardsDto, ProfileParams } from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Loyalty"];
const base = "/api/v1/workspaces/:workspaceId/customers/:profileId";

/** Operator side of daily check-ins: check a customer in, fill a missed day with a card, give cards, read the calendar. */
export const checkInsRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.post(
    `${base}/check-ins`,
    {
      schema: {
        params: ProfileParams,
        body: CheckInBody,
        response: { 200: CheckInResultDto, 201: CheckInResultDto },
        tags,
        summary:
          "Check the customer in for today (workspace-local day), or with `day` fill a missed day with a make-up card (422 loyalty.no_makeup_card without one); 409 loyalty.already_checked_in for a day already checked, 200 on a replayed idempotencyKey",
      },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req, reply) => {
      const ctx = requireWorkspace(req);
      const request = { idempotencyKey: req.body?.idempotencyKey, source: ctx.actor.type === "api_key" ? ("api" as const) : ("operator" as const), operator: ctx };
      const day = req.body?.day;
      const result = day
        ? await services.checkIns.makeUp(ctx.workspaceId, req.params.profileId, day, request)
        : await services.checkIns.checkIn(ctx.workspaceId, req.params.profileId, request);
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.get(
    `${base}/check-ins`,
    {
      schema: { params: ProfileParams, querystring: CheckInCalendarQuery, response: { 200: CheckInCalendarDto }, tags, summary: "A month of check-ins, current and longest streak, make-up cards held" },
      config: { auth: "workspace", permission: "loyalty.read" },
    },
    async (req) => {
      const ctx = requireWorkspace(req);
      return services.checkIns.calendar(ctx.workspaceId, req.params.profileId, req.query.month, ctx);
    },
  );

  app.post(
    `${base}/makeup-cards`,
    {
      schema: {
        params: ProfileParams,
        body: GrantMakeUpCardsBody,
        response: { 200: MakeUpCardsDto, 201: MakeUpCardsDto },
        tags,
        summary: "Give the customer make-up cards (补签卡) with a reason (audited; idempotent by idempotencyKey)",
      },
      config: { auth: "workspace", permission: "loyalty.manage" },
    },
    async (req, reply) => {
      const result = await services.checkIns.grantCards(requireWorkspace(req), req.params.profileId, req.body);
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );
};
