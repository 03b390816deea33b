import type { FastifyRequest } from "fastify";
import type { Permission, Role } from "@siyu/contracts";
import type { OperatorDto } from "@siyu/contracts";
import type { AuthenticatedApiKey, AuthenticatedMember, WorkspaceContext } from "@siyu/core";
import { httpErrors } from "./http.errors";

/**
 * How a route is reached. Every route declares one; the route table test checks it.
 * - public: anyone (login, health, invitation preview)
 * - session: a logged-in operator, no workspace (me, my workspaces)
 * - workspace: an operator who is a member of `:workspaceId`, or an admin key of it
 * - ingest: an ingest or admin key; its workspace is the key's
 * - member: the member API (/member/v1/*): an ingest (or admin) key plus a member token of the key's
 *   workspace; the token names the one customer the request may see (see plugins/member-auth.ts)
 */
export type AuthMode = "public" | "session" | "workspace" | "ingest" | "member";

export type Credentials =
  | { kind: "operator"; operator: OperatorDto; sessionId: string; token: string }
  | { kind: "api_key"; key: AuthenticatedApiKey };

declare module "fastify" {
  interface FastifyContextConfig {
    auth?: AuthMode;
    permission?: Permission;
    /** false for data-plane writes (events, orders): they are logged as events, not as admin actions. */
    audited?: boolean;
  }
  interface FastifyRequest {
    credentials: Credentials | null;
    workspace: WorkspaceContext | null;
    role: Role | null;
    /** Set on member routes: the live profile the member token speaks for. */
    member: AuthenticatedMember | null;
  }
}

export function requireWorkspace(req: FastifyRequest): WorkspaceContext {
  if (!req.workspace) throw httpErrors.error("internal", "Route is missing its workspace scope.");
  return req.workspace;
}

export function requireOperator(req: FastifyRequest) {
  if (req.credentials?.kind !== "operator") {
    throw httpErrors.error("auth.operator_only", "This action needs an operator session, not an API key.");
  }
  return req.credentials;
}

export function clientMeta(req: FastifyRequest) {
  return { ip: req.ip ?? null, userAgent: req.headers["user-agent"] ?? null };
}
