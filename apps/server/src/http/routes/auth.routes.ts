import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { FastifyReply } from "fastify";
import { z } from "zod";
import {
  AcceptInvitationBody,
  ChangePasswordBody,
  ErrorDto,
  InvitationPreviewDto,
  InvitationTokenParams,
  LoginBody,
  MeDto,
  PERMISSIONS,
  ROLES,
  ROLE_PERMISSIONS,
  RoleListDto,
} from "@siyu/contracts";
import { loadMe, type CoreServices, type IssuedSession } from "@siyu/core";
import { SESSION_COOKIE } from "../plugins/auth.plugin";
import { clientMeta, requireOperator } from "../route-config";

export interface AuthRoutesOptions {
  services: CoreServices;
  secureCookies: boolean;
}

const tags = ["Auth"];

export const authRoutes: FastifyPluginAsyncZod<AuthRoutesOptions> = async (app, { services, secureCookies }) => {
  function setSessionCookie(reply: FastifyReply, session: IssuedSession) {
    reply.setCookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: "lax",
      secure: secureCookies,
      path: "/",
      expires: session.expiresAt,
    });
  }

  app.post(
    "/api/v1/auth/login",
    {
      schema: { body: LoginBody, response: { 200: MeDto, 401: ErrorDto }, tags, summary: "Log in with email and password" },
      // Guessing passwords is slowed per address, on top of the global limit.
      config: { auth: "public", rateLimit: { max: 20, timeWindow: "1 minute" } },
    },
    async (req, reply) => {
      const session = await services.access.login(req.body.email, req.body.password, clientMeta(req));
      setSessionCookie(reply, session);
      return loadMe(services, session.operator);
    },
  );

  app.post(
    "/api/v1/auth/logout",
    { schema: { response: { 204: z.null() }, tags, summary: "End this session" }, config: { auth: "public" } },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await services.access.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: "/" });
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/api/v1/me",
    { schema: { response: { 200: MeDto }, tags, summary: "The logged-in operator and their workspaces" }, config: { auth: "session" } },
    async (req) => loadMe(services, requireOperator(req).operator),
  );

  app.post(
    "/api/v1/me/password",
    {
      schema: { body: ChangePasswordBody, response: { 204: z.null() }, tags, summary: "Change my password; ends my other sessions" },
      config: { auth: "session", rateLimit: { max: 20, timeWindow: "1 minute" } },
    },
    async (req, reply) => {
      const me = requireOperator(req);
      await services.access.changePassword(me.operator.id, req.body.currentPassword, req.body.newPassword, me.sessionId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/api/v1/roles",
    { schema: { response: { 200: RoleListDto }, tags, summary: "Roles and what each may do" }, config: { auth: "session" } },
    async () => ({
      items: ROLES.map((role) => ({ role, permissions: PERMISSIONS.filter((p) => ROLE_PERMISSIONS[role].includes(p)) })),
    }),
  );

  app.get(
    "/api/v1/invitations/:token",
    {
      schema: { params: InvitationTokenParams, response: { 200: InvitationPreviewDto }, tags, summary: "What an invitation is for" },
      config: { auth: "public", rateLimit: { max: 30, timeWindow: "1 minute" } },
    },
    async (req) => {
      const invitation = await services.access.findOpenInvitation(req.params.token);
      const workspace = await services.workspaces.get(invitation.workspaceId);
      return {
        email: invitation.email,
        workspaceName: workspace.name,
        role: invitation.role as (typeof ROLES)[number],
        expiresAt: invitation.expiresAt.toISOString(),
        operatorExists: (await services.access.findOperatorByEmail(invitation.email)) !== null,
      };
    },
  );

  app.post(
    "/api/v1/invitations/:token/accept",
    {
      schema: {
        params: InvitationTokenParams,
        body: AcceptInvitationBody,
        response: { 200: MeDto },
        tags,
        summary: "Accept an invitation: creates the account (or joins with an existing one) and logs in",
      },
      config: { auth: "public", rateLimit: { max: 20, timeWindow: "1 minute" } },
    },
    async (req, reply) => {
      const session = await services.access.acceptInvitation(req.params.token, req.body, clientMeta(req));
      setSessionCookie(reply, session);
      return loadMe(services, session.operator);
    },
  );
};
