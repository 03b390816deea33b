import { createHash } from "node:crypto";
import type { FastifyContextConfig, FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { CoreServices } from "@siyu/core";
import { memberCredentials } from "../../plugins/member-auth";
import { accountMemberRoutes } from "./account.member-routes";
import { catalogueMemberRoutes } from "./catalogue.member-routes";
import { couponsMemberRoutes } from "./coupons.member-routes";
import { engagementMemberRoutes } from "./engagement.member-routes";
import { inboxMemberRoutes } from "./inbox.member-routes";
import { pointsMemberRoutes } from "./points.member-routes";

export const MEMBER_PREFIX = "/member/v1";

/** What every member feature file receives: the services and the route config every member route must spread. */
export interface MemberRoutesOptions {
  services: CoreServices;
  /** `config: { ...memberConfig }`: member auth, not audited (members' own actions are data plane), per-member rate limit. */
  memberConfig: FastifyContextConfig;
}
export type MemberRoutes = FastifyPluginAsyncZod<MemberRoutesOptions>;

/**
 * The features' member endpoints. A feature adds its endpoints in its own `<feature>.member-routes.ts`
 * (a MemberRoutes plugin, paths relative to /member/v1) and one line here.
 */
const MEMBER_FEATURES: MemberRoutes[] = [accountMemberRoutes, pointsMemberRoutes, couponsMemberRoutes, engagementMemberRoutes, catalogueMemberRoutes, inboxMemberRoutes];

/**
 * The member-facing API for the brand's mini-program / H5, under /member/v1. Every route is
 * authenticated with the workspace's ingest key plus a member token (plugins/member-auth.ts) and acts
 * only on the token's member: no route takes a customer id. Browsers may call it from any origin (the
 * credentials are headers, not cookies).
 */
export const memberPlugin: FastifyPluginAsyncZod<{ services: CoreServices; rateLimitPerMemberPerMinute: number }> = async (app, options) => {
  app.addHook("onSend", async (_req, reply) => {
    reply.header("access-control-allow-origin", "*");
    reply.header("access-control-allow-headers", "authorization, content-type, x-siyu-ingest-key");
    reply.header("access-control-allow-methods", "GET, POST, OPTIONS");
  });
  app.options("/*", { schema: { hide: true, response: { 204: z.null() } }, config: { auth: "public" } }, async (_req, reply) => reply.code(204).send(null));

  const memberConfig: FastifyContextConfig = {
    auth: "member",
    audited: false,
    // Per token (one signed-in member), before auth: a stolen ingest key alone cannot exhaust members' budgets.
    rateLimit: { max: options.rateLimitPerMemberPerMinute, timeWindow: "1 minute", keyGenerator: (req: FastifyRequest) => rateKey(req) },
  };
  for (const feature of MEMBER_FEATURES) await app.register(feature, { services: options.services, memberConfig });
};

function rateKey(req: FastifyRequest): string {
  const { key, token } = memberCredentials(req.headers);
  const who = token ?? key ?? req.ip;
  return `member:${createHash("sha256").update(who).digest("hex").slice(0, 24)}`;
}
