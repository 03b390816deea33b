import { MemberClaimBody, MemberClaimResultDto, MemberCouponListDto, MemberCouponsQuery, MemberCouponTemplateDto, MemberCouponTemplateListDto, MemberEmptyQuery } from "@siyu/contracts";
import type { MemberRoutes } from "./member.plugin";
import { memberKey, requireMember } from "./member-context";

const tags = ["Member API"];

/** The member's coupons, the templates they may get, and claiming one. */
export const couponsMemberRoutes: MemberRoutes = async (app, { services, memberConfig }) => {
  app.get(
    "/coupons",
    {
      schema: { querystring: MemberCouponsQuery, response: { 200: MemberCouponListDto }, tags, summary: "The member's coupons, newest first (?status=available|redeemed|expired)" },
      config: memberConfig,
    },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      const coupons = await services.coupons.listOfCustomer(ctx, profileId);
      return MemberCouponListDto.parse({ items: req.query.status ? coupons.filter((c) => c.status === req.query.status) : coupons });
    },
  );

  app.get(
    "/coupon-templates",
    {
      schema: {
        querystring: MemberEmptyQuery,
        response: { 200: MemberCouponTemplateListDto },
        tags,
        summary: "Coupons the member may get: claimable ones (claimable: true) and ones for points (pointsCost), active, valid and in stock",
      },
      config: memberConfig,
    },
    async (req) => {
      const { ctx } = requireMember(req);
      const templates = await services.coupons.listForMembers(ctx);
      return {
        items: templates.map((t) => MemberCouponTemplateDto.parse({ ...t, remainingStock: t.totalStock === null ? null : Math.max(0, t.totalStock - t.issuedCount) })),
      };
    },
  );

  app.post(
    "/coupons/claims",
    {
      schema: {
        body: MemberClaimBody,
        response: { 200: MemberClaimResultDto, 201: MemberClaimResultDto },
        tags,
        summary: "Claim a claimable coupon (409 loyalty.limit_reached / out_of_stock, 422 loyalty.not_claimable); a replayed key answers 200 with the same coupon",
      },
      config: memberConfig,
    },
    async (req, reply) => {
      const { ctx, profileId } = requireMember(req);
      const result = await services.coupons.claim(ctx, req.body.templateId, profileId, memberKey(profileId, req.body.idempotencyKey), { requireClaimable: true });
      return reply.code(result.replayed ? 200 : 201).send(MemberClaimResultDto.parse(result));
    },
  );
};
