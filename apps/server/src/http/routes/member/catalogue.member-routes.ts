import { z } from "zod";
import { DrawBody, DrawResultDto, Id, MemberCatalogueDto, MemberEmptyQuery, MemberLotteryDto, RedeemItemBody, RedeemItemResultDto, RedemptionListDto, RedemptionListQuery } from "@siyu/contracts";
import type { MemberRoutes } from "./member.plugin";
import { memberKey, requireMember } from "./member-context";

const tags = ["Member API"];
const MemberRedemptionsQuery = RedemptionListQuery.omit({ profileId: true });
/** Member routes take no path parameters (route-table.test.ts): the campaign goes in the body. */
const MemberDrawBody = DrawBody.extend({ campaignId: Id });

/** The points catalogue and lotteries as a member sees them: what they can afford, redeeming, drawing. */
export const catalogueMemberRoutes: MemberRoutes = async (app, { services, memberConfig }) => {
  app.get(
    "/catalogue",
    {
      schema: { querystring: MemberEmptyQuery, response: { 200: MemberCatalogueDto }, tags, summary: "Items the member may redeem now, with whether their points cover each" },
      config: memberConfig,
    },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      return services.catalogue.memberCatalogue(ctx.workspaceId, profileId);
    },
  );

  app.post(
    "/redemptions",
    {
      schema: {
        body: RedeemItemBody,
        response: { 200: RedeemItemResultDto, 201: RedeemItemResultDto },
        tags,
        summary: "Redeem an item for points (and cash from stored value or paid outside): 422 loyalty.insufficient_points, 409 loyalty.out_of_stock / limit_reached; a replayed key answers 200",
      },
      config: memberConfig,
    },
    async (req, reply) => {
      const { ctx, profileId } = requireMember(req);
      const result = await services.catalogue.redeemForMember(ctx.workspaceId, profileId, { ...req.body, idempotencyKey: memberKey(profileId, req.body.idempotencyKey) });
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );

  app.get(
    "/redemptions",
    {
      schema: { querystring: MemberRedemptionsQuery, response: { 200: RedemptionListDto }, tags, summary: "The member's redemptions, newest first" },
      config: memberConfig,
    },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      return services.catalogue.memberRedemptions(ctx.workspaceId, profileId, req.query);
    },
  );

  app.get(
    "/lotteries",
    {
      schema: { querystring: MemberEmptyQuery, response: { 200: z.object({ items: z.array(MemberLotteryDto) }) }, tags, summary: "Running lotteries: what a draw costs, the prizes, draws left today and in all" },
      config: memberConfig,
    },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      return { items: await services.lottery.memberLotteries(ctx.workspaceId, profileId) };
    },
  );

  app.post(
    "/lottery-draws",
    {
      schema: {
        body: MemberDrawBody,
        response: { 200: DrawResultDto, 201: DrawResultDto },
        tags,
        summary: "Draw once: the cost is taken and a prize given in one transaction (409 loyalty.limit_reached, 422 loyalty.insufficient_points); a replayed key answers 200",
      },
      config: memberConfig,
    },
    async (req, reply) => {
      const { ctx, profileId } = requireMember(req);
      const result = await services.lottery.drawForMember(ctx.workspaceId, req.body.campaignId, profileId, { idempotencyKey: memberKey(profileId, req.body.idempotencyKey) });
      return reply.code(result.replayed ? 200 : 201).send(result);
    },
  );
};
