import { MemberEmptyQuery, MemberMeDto, MemberStoredValueDto, MemberTierDto } from "@siyu/contracts";
import { maskPhone } from "@siyu/core";
import type { MemberRoutes } from "./member.plugin";
import { requireMember } from "./member-context";

const tags = ["Member API"];

/** The member's own profile basics, tier and stored value. */
export const accountMemberRoutes: MemberRoutes = async (app, { services, memberConfig }) => {
  app.get(
    "/me",
    {
      schema: { querystring: MemberEmptyQuery, response: { 200: MemberMeDto }, tags, summary: "The signed-in member: name, masked phone, member since, orders, tier" },
      config: memberConfig,
    },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      const [profile, tier] = await Promise.all([services.profiles.get(ctx, profileId), services.points.tier(ctx, profileId)]);
      return {
        profileId: profile.id,
        name: profile.name,
        phone: maskPhone(profile.phone),
        memberSince: profile.firstSeenAt,
        orderCount: profile.orderCount,
        tier: tier.tier,
      };
    },
  );

  app.get(
    "/tier",
    {
      schema: { querystring: MemberEmptyQuery, response: { 200: MemberTierDto }, tags, summary: "The member's tier, benefits, growth value and progress to the next level" },
      config: memberConfig,
    },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      return MemberTierDto.parse(await services.points.tier(ctx, profileId));
    },
  );

  app.get(
    "/stored-value",
    {
      schema: { querystring: MemberEmptyQuery, response: { 200: MemberStoredValueDto }, tags, summary: "The member's stored value (储值): principal, bonus, total (minor units)" },
      config: memberConfig,
    },
    async (req) => {
      const { ctx, profileId } = requireMember(req);
      return MemberStoredValueDto.parse(await services.storedValue.balance(ctx, profileId));
    },
  );
};
