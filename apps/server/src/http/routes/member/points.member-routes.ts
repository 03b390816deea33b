import {
  MemberEmptyQuery,
  MemberExchangeBody,
  MemberExchangeResultDto,
  MemberPointsDto,
  MemberPointsHistoryDto,
  MemberPointsHistoryQuery,
} from "@siyu/contracts";
import type { MemberRoutes } from "./member.plugin";
import { memberKey, requireMember } from "./member-context";

const tags = ["Member API"];

/** The member's points: balance, history, and exchanging points for a coupon. */
export const pointsMemberRoutes: MemberRoutes = async (app, { services, memberConfig }) => {
  app.get(
    "/points",
    {
      schema: { querystring: MemberEmptyQuery, response: { 200: MemberPointsDto }, tags, summary: "The member's points: available, pending, lifetime earned" },
      config: memberConfig,
    },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      return MemberPointsDto.parse(await services.points.balance(ctx, profileId));
    },
  );

  app.get(
    "/points/history",
    {
      schema: { querystring: MemberPointsHistoryQuery, response: { 200: MemberPointsHistoryDto }, tags, summary: "The member's points entries, newest first (?limit, ?cursor = nextCursor)" },
      config: memberConfig,
    },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      return MemberPointsHistoryDto.parse(await services.points.history(ctx, profileId, req.query));
    },
  );

  app.post(
    "/points/exchanges",
    {
      schema: {
        body: MemberExchangeBody,
        response: { 200: MemberExchangeResultDto, 201: MemberExchangeResultDto },
        tags,
        summary: "Exchange points for a coupon, all or nothing (422 loyalty.insufficient_points, 409 loyalty.out_of_stock / limit_reached); a replayed key answers 200",
      },
      config: memberConfig,
    },
    async (req, reply) => {
      const { ctx, profileId } = requireMember(req);
      const result = await services.coupons.exchange(ctx, profileId, { templateId: req.body.templateId, idempotencyKey: memberKey(profileId, req.body.idempotencyKey) });
      return reply.code(result.replayed ? 200 : 201).send(MemberExchangeResultDto.parse(result));
    },
  );
};
