import type { FastifyRequest } from "fastify";
import type { AuthenticatedMember, CoreServices, WorkspaceContext } from "@siyu/core";
import { httpErrors } from "../http.errors";

/**
 * The two credentials of a member request: the workspace's ingest key (which the mini-program ships
 * anyway) and the member token its back end obtained for the signed-in customer. Either
 *   X-Siyu-Ingest-Key: sk_ingest_…   +   Authorization: Bearer smt1.…
 * or, the way Segment's SDKs send a write key, one header
 *   Authorization: Basic base64("sk_ingest_…:smt1.…")   (key as user name, token as password).
 */
export function memberCredentials(headers: FastifyRequest["headers"]): { key: string | null; token: string | null } {
  const header = headers["x-siyu-ingest-key"];
  const explicitKey = typeof header === "string" && header.trim() ? header.trim() : null;
  const [scheme, value] = (headers.authorization ?? "").split(" ", 2);
  if (scheme?.toLowerCase() === "basic" && value) {
    const decoded = Buffer.from(value, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? "" : decoded.slice(colon + 1);
    return { key: explicitKey ?? (user || null), token: password || null };
  }
  if (scheme?.toLowerCase() === "bearer" && value?.trim()) return { key: explicitKey, token: value.trim() };
  return { key: explicitKey, token: null };
}

/**
 * 401 auth.unauthenticated without a valid key; then the token is checked against the key's
 * workspace (401 member.token_*, 403 member.wrong_workspace). The request's workspace scope is the
 * key's; `member.profileId` is the only customer the handler may touch.
 */
export async function authenticateMember(services: CoreServices, req: FastifyRequest): Promise<{ workspace: WorkspaceContext; member: AuthenticatedMember }> {
  const { key: secret, token } = memberCredentials(req.headers);
  if (!secret) throw httpErrors.error("auth.unauthenticated", "Send the workspace's ingest key (X-Siyu-Ingest-Key, or Basic auth with the key as user name).");
  const key = await services.apiKeys.authenticate(secret);
  if (!key) throw httpErrors.error("auth.unauthenticated", "Unknown or revoked API key.");
  const member = await services.memberTokens.authenticate(key.workspaceId, token);
  return {
    workspace: { workspaceId: key.workspaceId, actor: { type: "api_key", id: key.id, name: "member" }, storeIds: null, ip: req.ip },
    member,
  };
}
