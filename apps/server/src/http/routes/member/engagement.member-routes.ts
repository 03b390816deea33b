import { CheckInBody, CheckInCalendarDto, CheckInCalendarQuery, CheckInResultDto, MemberBadgeListDto, MemberEmptyQuery, MemberTaskListDto } from "@siyu/contracts";
import type { MemberRoutes } from "./member.plugin";
import { memberKey, requireMember } from "./member-context";

const tags = ["Member API"];

/** The member's check-ins, tasks and badges: thin over the services, which take (workspace, member). */
export const engagementMemberRoutes: MemberRoutes = async (app, { services, memberConfig }) => {
  app.get(
    "/check-ins",
    {
      schema: { querystring: CheckInCalendarQuery, response: { 200: CheckInCalendarDto }, tags, summary: "The member's check-in calendar for a month (?month=YYYY-MM): days, streaks, make-up cards" },
      config: memberConfig,
    },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      return services.checkIns.calendar(ctx.workspaceId, profileId, req.query.month);
    },
  );

  app.post(
    "/check-ins",
    {
      schema: {
        body: CheckInBody,
        response: { 200: CheckInResultDto, 201: CheckInResultDto },
        tags,
        summary: "Check in for today, or with `day` fill a missed day with a make-up card (409 loyalty.already_checked_in, 422 loyalty.no_makeup_card); a replayed key answers 200",
      },
      config: memberConfig,
    },
    async (req, reply) => {
      const { ctx, profileId } = requireMember(req);
      const key = req.body?.idempotencyKey;
      const request = { idempotencyKey: key === undefined ? undefined : memberKey(profileId, key), source: "member" as const };
      const day = req.body?.day;
      const result = day ? await services.checkIns.makeUp(ctx.workspaceId, profileId, day, request) : await services.checkIns.checkIn(ctx.workspaceId, profileId, request);
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.get(
    "/tasks",
    {
      schema: { querystring: MemberEmptyQuery, response: { 200: MemberTaskListDto }, tags, summary: "The member's active tasks with each step's progress and what completing them gives" },
      config: memberConfig,
    },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      return { items: await services.tasks.forMember(ctx.workspaceId, profileId) };
    },
  );

  app.get(
    "/badges",
    {
      schema: { querystring: MemberEmptyQuery, response: { 200: MemberBadgeListDto }, tags, summary: "The badges and honour titles the member holds" },
      config: memberConfig,
    },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      return { items: await services.badges.forMember(ctx.workspaceId, profileId) };
    },
  );
};
