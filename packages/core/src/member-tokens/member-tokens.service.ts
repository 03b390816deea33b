import { randomBytes } from "node:crypto";
import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import {
  IssueMemberTokenBody,
  type IssueMemberTokenInput,
  type MemberTokenDto,
  type RevokeMemberTokensBody,
  type RevokeMemberTokensResultDto,
  type RotateMemberTokenSecretResultDto,
} from "@siyu/contracts";
import { appendAuditEntry } from "../audit";
import { rows } from "../shared/sql-rows";
import { profilesMergedInto } from "../profiles";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { DomainError } from "../shared/domain-error";
import { isUuid, newId } from "../shared/ids";
import { memberTokenErrors } from "./member-tokens.errors";
import { readMemberToken, signatureHolds, signMemberToken } from "./member-token-format";

export interface MemberTokensDeps {
  db: Db;
  clock: Clock;
  /** The identity graph: the profile each identifier belongs to (null when unknown), or why it is not one. */
  profilesOfIdentifiers(workspaceId: string, identifiers: readonly { type: string; value: string }[]): Promise<({ profileId: string | null } | { error: string })[]>;
  /** Follows merges to the live profile; throws profiles.not_found. */
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
}

/** Who a verified token speaks for: always the live profile now, even if it was issued before a merge. */
export interface AuthenticatedMember {
  workspaceId: string;
  profileId: string;
  tokenId: string;
  expiresAt: Date;
}

const newSecret = () => randomBytes(32).toString("base64url");

export function createMemberTokensService(deps: MemberTokensDeps) {
  const { db, clock } = deps;

  async function secretOf(on: Db, workspaceId: string): Promise<string> {
    await on.execute(
      sql`insert into member_token_secrets (workspace_id, secret, created_at) values (${workspaceId}::uuid, ${newSecret()}, ${clock.now().toISOString()}::timestamptz)
          on conflict (workspace_id) do nothing`,
    );
    const [row] = await rows<{ secret: string }>(on, sql`select secret from member_token_secrets where workspace_id = ${workspaceId}::uuid`);
    return row!.secret;
  }

  return {
    /**
     * A signed, expiring token for the member an identifier names (through the identity graph). An unknown
     * identifier is refused (member.unknown_identifier): the member's profile comes from their events
     * (an identify call on login), not from a token request.
     */
    async issue(ctx: WorkspaceContext, input: IssueMemberTokenInput): Promise<MemberTokenDto> {
      const body = IssueMemberTokenBody.parse(input);
      const [found] = await deps.profilesOfIdentifiers(ctx.workspaceId, [body.identifier]);
      if (!found || "error" in found) {
        const why = found && "error" in found ? found.error : "is invalid";
        throw memberTokenErrors.error("member.invalid_identifier", `identifier: ${why}`, [{ path: "body.identifier", message: why }]);
      }
      if (found.profileId === null) {
        throw memberTokenErrors.error("member.unknown_identifier", `No customer has ${body.identifier.type} ${body.identifier.value}; send their identify event first`);
      }
      const profileId = await deps.resolveProfileId(ctx, found.profileId);
      const issued = Math.floor(clock.now().getTime() / 1000);
      const claims = { workspaceId: ctx.workspaceId, profileId, tokenId: newId(), issuedAt: issued, expiresAt: issued + body.ttlSeconds };
      const issuedAt = new Date(claims.issuedAt * 1000).toISOString();
      const expiresAt = new Date(claims.expiresAt * 1000).toISOString();
      const token = await db.transaction(async (tx) => {
        const secret = await secretOf(tx, ctx.workspaceId);
        await tx.execute(
          sql`insert into member_tokens (id, workspace_id, profile_id, identifier_type, issued_by, issued_at, expires_at)
              values (${claims.tokenId}::uuid, ${ctx.workspaceId}::uuid, ${profileId}::uuid, ${body.identifier.type}, ${ctx.actor.name},
                ${issuedAt}::timestamptz, ${expiresAt}::timestamptz)`,
        );
        return signMemberToken(secret, claims);
      });
      return { token, tokenId: claims.tokenId, profileId, issuedAt, expiresAt };
    },

    /**
     * Checks a token for the workspace of the ingest key it came with: format, workspace, signature
     * (constant time), expiry, revocation; then follows merges to the live profile.
     */
    async authenticate(workspaceId: string, token: string | null): Promise<AuthenticatedMember> {
      if (!token) throw memberTokenErrors.error("member.token_missing", "Send the member token as Authorization: Bearer <token>.");
      const read = readMemberToken(token);
      const invalid = () => memberTokenErrors.error("member.token_invalid", "The member token is not valid; ask the brand's server for a new one.");
      if (!read || !isUuid(read.claims.tokenId) || !isUuid(read.claims.profileId)) throw invalid();
      if (read.claims.workspaceId !== workspaceId) {
        throw memberTokenErrors.error("member.wrong_workspace", "The member token belongs to another workspace than the ingest key.");
      }
      const [row] = await rows<{ secret: string; profile_id: string | null; revoked_at: string | Date | null }>(
        db,
        sql`select s.secret, t.profile_id, t.revoked_at from member_token_secrets s
              left join member_tokens t on t.workspace_id = s.workspace_id and t.id = ${read.claims.tokenId}::uuid
            where s.workspace_id = ${workspaceId}::uuid`,
      );
      if (!row || !signatureHolds(row.secret, read)) throw invalid();
      const now = clock.now();
      if (read.claims.expiresAt * 1000 <= now.getTime()) {
        throw memberTokenErrors.error("member.token_expired", `The member token expired at ${new Date(read.claims.expiresAt * 1000).toISOString()}.`);
      }
      // Signed but not on record (cleaned up, or minted with a stolen secret): refused like a forgery.
      if (row.profile_id !== read.claims.profileId) throw invalid();
      if (row.revoked_at !== null) throw memberTokenErrors.error("member.token_revoked", "The member token was revoked.");
      let profileId: string;
      try {
        profileId = await deps.resolveProfileId({ workspaceId, actor: { type: "system", id: null, name: "member" }, storeIds: null, ip: null }, read.claims.profileId);
      } catch (error) {
        if (error instanceof DomainError && error.code === "profiles.not_found") throw invalid();
        throw error;
      }
      return { workspaceId, profileId, tokenId: read.claims.tokenId, expiresAt: new Date(read.claims.expiresAt * 1000) };
    },

    /** One token by id, or every unexpired token of a member (and of the profiles merged into them). Audited. */
    async revoke(ctx: WorkspaceContext, body: RevokeMemberTokensBody): Promise<RevokeMemberTokensResultDto> {
      const now = clock.now().toISOString();
      const live = "profileId" in body ? await deps.resolveProfileId(ctx, body.profileId) : null;
      return db.transaction(async (tx) => {
        let revoked: { id: string }[];
        if (live === null) {
          const tokenId = (body as { tokenId: string }).tokenId;
          const [token] = await rows<{ id: string }>(tx, sql`select id from member_tokens where workspace_id = ${ctx.workspaceId}::uuid and id = ${tokenId}::uuid`);
          if (!token) throw memberTokenErrors.error("member.token_not_found", "No such member token (or it expired and was cleaned up).");
          revoked = await rows(tx, sql`update member_tokens set revoked_at = ${now}::timestamptz where id = ${tokenId}::uuid and revoked_at is null returning id`);
        } else {
          revoked = await rows(
            tx,
            sql`update member_tokens set revoked_at = ${now}::timestamptz
                where workspace_id = ${ctx.workspaceId}::uuid and revoked_at is null and expires_at > ${now}::timestamptz
                  and profile_id in (select id from ${profilesMergedInto(ctx.workspaceId, [live])} r)
                returning id`,
          );
        }
        await appendAuditEntry(tx, clock, ctx, {
          action: "member_tokens.revoked",
          targetType: live === null ? "member_token" : "profile",
          targetId: live ?? (body as { tokenId: string }).tokenId,
          summary: live === null ? "Member token revoked" : `${revoked.length} member token(s) of the customer revoked`,
        });
        return { revoked: revoked.length };
      });
    },

    /** A new secret: every token signed with the old one stops working at once (members sign in again). Audited. */
    async rotateSecret(ctx: WorkspaceContext): Promise<RotateMemberTokenSecretResultDto> {
      const rotatedAt = clock.now().toISOString();
      await db.transaction(async (tx) => {
        await tx.execute(
          sql`insert into member_token_secrets (workspace_id, secret, created_at, rotated_at) values (${ctx.workspaceId}::uuid, ${newSecret()}, ${rotatedAt}::timestamptz, ${rotatedAt}::timestamptz)
              on conflict (workspace_id) do update set secret = excluded.secret, rotated_at = excluded.rotated_at`,
        );
        await appendAuditEntry(tx, clock, ctx, {
          action: "member_tokens.secret_rotated",
          targetType: "workspace",
          targetId: ctx.workspaceId,
          summary: "Member token secret rotated: every member token issued before is void",
        });
      });
      return { rotatedAt };
    },

    /** Forgets tokens that expired more than a day ago (they fail on their expiry anyway). Returns how many. */
    async deleteExpired(): Promise<number> {
      const cutoff = new Date(clock.now().getTime() - 24 * 3600 * 1000).toISOString();
      const gone = await rows<{ id: string }>(db, sql`delete from member_tokens where expires_at < ${cutoff}::timestamptz returning id`);
      return gone.length;
    },
  };
}
export type MemberTokensService = ReturnType<typeof createMemberTokensService>;
