import fp from "fastify-plugin";
import type { FastifyRequest } from "fastify";
import { ADMIN_KEY_PERMISSIONS, roleCan, type Permission } from "@siyu/contracts";
import { workspaceErrors, type CoreServices, type WorkspaceContext } from "@siyu/core";
import { httpErrors } from "../http.errors";
import type { Credentials } from "../route-config";
import { authenticateMember } from "./member-auth";

export const SESSION_COOKIE = "siyu_session";

/**
 * Resolves who is calling, then checks the route's auth mode before the body is
 * even validated: 401 without credentials, 404 for a workspace the caller does
 * not belong to (its existence is not revealed), 403 for the wrong scope or role.
 */
export const authPlugin = fp<{ services: CoreServices }>(async (app, { services }) => {
  app.decorateRequest("credentials", null);
  app.decorateRequest("workspace", null);
  app.decorateRequest("role", null);
  app.decorateRequest("member", null);

  app.addHook("onRoute", (route) => {
    const url = route.url;
    if (url.startsWith("/api/") || url.startsWith("/v1/") || url.startsWith("/member/")) {
      if (!route.config?.auth) throw new Error(`Route ${route.method} ${url} declares no auth mode`);
      if (route.config.auth === "workspace" && !route.config.permission) {
        throw new Error(`Workspace route ${route.method} ${url} declares no permission`);
      }
    }
  });

  app.addHook("preValidation", async (req) => {
    const mode = req.routeOptions.config.auth;
    if (!mode || mode === "public") return;
    if (mode === "member") {
      const { workspace, member } = await authenticateMember(services, req);
      req.workspace = workspace;
      req.member = member;
      return;
    }
    req.credentials = await resolveCredentials(services, req);
    if (!req.credentials) throw httpErrors.error("auth.unauthenticated", "Log in or send an API key.");
    if (mode === "session") {
      if (req.credentials.kind !== "operator") {
        throw httpErrors.error("auth.operator_only", "This endpoint needs an operator session, not an API key.");
      }
      return;
    }
    if (mode === "ingest") {
      if (req.credentials.kind !== "api_key") throw httpErrors.error("auth.forbidden", "Send an ingest or admin API key.");
      const key = req.credentials.key;
      req.workspace = { workspaceId: key.workspaceId, actor: { type: "api_key", id: key.id, name: key.name }, storeIds: null, ip: req.ip };
      return;
    }
    req.workspace = await resolveWorkspace(services, req, req.credentials, req.routeOptions.config.permission);
  });
});

async function resolveCredentials(services: CoreServices, req: FastifyRequest): Promise<Credentials | null> {
  // Some Segment clients put the write key in the body instead of a header.
  const bodyKey = (req.body as { writeKey?: unknown } | undefined)?.writeKey;
  const secret = apiKeyFromHeader(req.headers.authorization) ?? (req.routeOptions.config.auth === "ingest" && typeof bodyKey === "string" ? bodyKey : null);
  if (secret) {
    const key = await services.apiKeys.authenticate(secret);
    if (!key) throw httpErrors.error("auth.unauthenticated", "Unknown or revoked API key.");
    return { kind: "api_key", key };
  }
  const token = req.cookies?.[SESSION_COOKIE];
  if (!token) return null;
  const session = await services.access.authenticateSession(token);
  return session ? { kind: "operator", operator: session.operator, sessionId: session.sessionId, token } : null;
}

/** `Authorization: Bearer sk_…`, or Basic with the key as user name, the way Segment's SDKs send it. */
export function apiKeyFromHeader(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value] = header.split(" ", 2);
  if (!value) return null;
  if (scheme?.toLowerCase() === "bearer") return value.trim();
  if (scheme?.toLowerCase() === "basic") {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const user = decoded.split(":", 1)[0];
    return user || null;
  }
  return null;
}

async function resolveWorkspace(
  services: CoreServices,
  req: FastifyRequest,
  credentials: Credentials,
  permission: Permission | undefined,
): Promise<WorkspaceContext> {
  const workspaceId = (req.params as { workspaceId?: unknown }).workspaceId;
  if (typeof workspaceId !== "string") throw httpErrors.error("internal", "Workspace route without :workspaceId.");
  const notFound = () => workspaceErrors.error("workspaces.not_found", "No such workspace.");
  if (credentials.kind === "api_key") {
    const key = credentials.key;
    if (key.workspaceId !== workspaceId.toLowerCase()) throw notFound();
    if (key.scope !== "admin") throw httpErrors.error("auth.forbidden", "An ingest key can only send events.");
    if (permission && !ADMIN_KEY_PERMISSIONS.includes(permission)) {
      throw httpErrors.error("auth.forbidden", "API keys cannot manage operators or keys; use the console.");
    }
    return { workspaceId: key.workspaceId, actor: { type: "api_key", id: key.id, name: key.name }, storeIds: null, ip: req.ip };
  }
  const membership = await services.access.getMembership(credentials.operator.id, workspaceId);
  if (!membership) throw notFound();
  if (permission && !roleCan(membership.role, permission)) {
    throw httpErrors.error("auth.forbidden", `The ${membership.role} role cannot do this (${permission}).`);
  }
  req.role = membership.role;
  return {
    workspaceId: membership.workspaceId,
    actor: { type: "operator", id: credentials.operator.id, name: credentials.operator.name },
    storeIds: membership.role === "store_manager" ? membership.storeIds : null,
    ip: req.ip,
  };
}
