import type { FastifyRequest } from "fastify";
import type { WorkspaceContext } from "@siyu/core";
import { httpErrors } from "../../http.errors";

/** The workspace scope and the one member a member route may act on. */
export function requireMember(req: FastifyRequest): { ctx: WorkspaceContext; profileId: string } {
  if (!req.workspace || !req.member) throw httpErrors.error("internal", "Member route without member auth.");
  return { ctx: req.workspace, profileId: req.member.profileId };
}

/** Members' idempotency keys live in their own space: one member's key can never replay or block another's. */
export function memberKey(profileId: string, key: string): string {
  return `member:${profileId}:${key}`;
}
