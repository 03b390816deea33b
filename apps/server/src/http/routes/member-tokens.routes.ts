import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { IssueMemberTokenBody, MemberTokenDto, RevokeMemberTokensBody, RevokeMemberTokensResultDto, RotateMemberTokenSecretResultDto, WorkspaceParams } from "@siyu/contracts";
import type { CoreServices } from "@siyu/core";
import { requireWorkspace } from "../route-config";

const tags = ["Member tokens"];
const base = "/api/v1/workspaces/:workspaceId/member-tokens";

/**
 * For the brand's back end (an admin key with members.tokens): a token for a signed-in member, which the
 * mini-program / H5 then sends to the member API (/member/v1/*) with the ingest key.
 */
export const memberTokensRoutes: FastifyPluginAsyncZod<{ services: CoreServices }> = async (app, { services }) => {
  app.post(
    base,
    {
      schema: {
        params: WorkspaceParams,
        body: IssueMemberTokenBody,
        response: { 201: MemberTokenDto },
        tags,
        summary: "Issue a member token for the customer an identifier names (openid, unionid, phone, user id); 404 member.unknown_identifier when no customer has it",
      },
      // Every member login: recorded in member_tokens (who issued it, for whom), not in the audit log.
      config: { auth: "workspace", permission: "members.tokens", audited: false },
    },
    async (req, reply) => reply.code(201).send(await services.memberTokens.issue(requireWorkspace(req), req.body)),
  );

  app.post(
    `${base}/revocations`,
    {
      schema: {
        params: WorkspaceParams,
        body: RevokeMemberTokensBody,
        response: { 200: RevokeMemberTokensResultDto },
        tags,
        summary: "Revoke one token ({ tokenId }) or every token of a customer ({ profileId }, merged profiles included); audited",
      },
      config: { auth: "workspace", permission: "members.tokens" },
    },
    async (req) => services.memberTokens.revoke(requireWorkspace(req), req.body),
  );

  app.post(
    `${base}/secret/rotation`,
    {
      schema: {
        params: WorkspaceParams,
        body: z.strictObject({}).optional(),
        response: { 200: RotateMemberTokenSecretResultDto },
        tags,
        summary: "Rotate the workspace's signing secret: every member token issued before stops working at once; audited",
      },
      config: { auth: "workspace", permission: "members.tokens" },
    },
    async (req) => services.memberTokens.rotateSecret(requireWorkspace(req)),
  );
};
