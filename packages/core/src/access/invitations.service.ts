import { and, desc, eq, isNull } from "@siyu/storage/orm";
import type { CreateInvitationBody, InvitationDto, Role } from "@siyu/contracts";
import { appendAuditEntry } from "../audit";
import type { WorkspaceContext } from "../shared/context";
import { isUuid, newId } from "../shared/ids";
import { hashToken, randomToken } from "../shared/secrets";
import { accessErrors } from "./access.errors";
import { accessInvitations } from "./access.schema";
import type { AccessSettings } from "./access.settings";
import { addMembership, type MembershipDeps } from "./memberships.service";
import {
  createOperator,
  findOperatorByEmail,
  issueSession,
  toOperatorDto,
  type IssuedSession,
  type SessionMeta,
} from "./operators.service";
import { verifyPassword } from "./password";

type InvitationDeps = MembershipDeps & { settings: AccessSettings };

export async function createInvitation(
  deps: InvitationDeps,
  ctx: WorkspaceContext,
  actorRole: Role | null,
  input: CreateInvitationBody,
): Promise<{ invitation: InvitationDto; token: string }> {
  if (input.role === "owner" && actorRole !== "owner") {
    throw accessErrors.error("access.owner_required", "Only an owner can invite an owner.");
  }
  const storeIds = input.role === "store_manager" ? [...new Set(input.storeIds)] : [];
  if (storeIds.length) {
    const known = await deps.existingStores(ctx, storeIds, deps.db);
    const unknown = storeIds.filter((id) => !known.has(id));
    if (unknown.length) {
      throw accessErrors.error("access.unknown_store", `Unknown store id ${unknown[0]}.`, [
        { path: "storeIds", message: `unknown store ${unknown.join(", ")}` },
      ]);
    }
  }
  const now = deps.clock.now();
  const token = randomToken(43);
  const row = {
    id: newId(),
    workspaceId: ctx.workspaceId,
    email: input.email,
    role: input.role,
    storeIds,
    tokenHash: hashToken(token),
    invitedBy: ctx.actor.id,
    createdAt: now,
    expiresAt: new Date(now.getTime() + deps.settings.invitationTtlHours * 3_600_000),
    acceptedAt: null,
    revokedAt: null,
  };
  await deps.db.transaction(async (tx) => {
    await tx.insert(accessInvitations).values(row);
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "invitation.created",
      targetType: "invitation",
      targetId: row.id,
      summary: `Invited ${row.email} as ${row.role}`,
      after: { email: row.email, role: row.role, storeIds },
    });
  });
  return { invitation: toInvitationDto(row), token };
}

export async function listInvitations(deps: InvitationDeps, ctx: WorkspaceContext): Promise<InvitationDto[]> {
  const rows = await deps.db
    .select()
    .from(accessInvitations)
    .where(eq(accessInvitations.workspaceId, ctx.workspaceId))
    .orderBy(desc(accessInvitations.id))
    .limit(500);
  return rows.map(toInvitationDto);
}

export async function revokeInvitation(deps: InvitationDeps, ctx: WorkspaceContext, invitationId: string) {
  await deps.db.transaction(async (tx) => {
    const [row] = isUuid(invitationId)
      ? await tx
          .select()
          .from(accessInvitations)
          .where(and(eq(accessInvitations.workspaceId, ctx.workspaceId), eq(accessInvitations.id, invitationId)))
      : [];
    if (!row) throw accessErrors.error("access.invitation_not_found", "No such invitation.");
    if (row.revokedAt || row.acceptedAt) return;
    await tx.update(accessInvitations).set({ revokedAt: deps.clock.now() }).where(eq(accessInvitations.id, row.id));
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "invitation.revoked",
      targetType: "invitation",
      targetId: row.id,
      summary: `Revoked the invitation of ${row.email}`,
      before: { email: row.email, role: row.role },
    });
  });
}

/** An open invitation by its token: neither accepted, revoked nor expired. */
export async function findOpenInvitation(deps: InvitationDeps, token: string) {
  const [row] = await deps.db
    .select()
    .from(accessInvitations)
    .where(
      and(eq(accessInvitations.tokenHash, hashToken(token)), isNull(accessInvitations.acceptedAt), isNull(accessInvitations.revokedAt)),
    );
  if (!row) throw accessErrors.error("access.invitation_not_found", "This invitation does not exist or was already used.");
  if (row.expiresAt <= deps.clock.now()) {
    throw accessErrors.error("access.invitation_expired", "This invitation has expired; ask for a new one.");
  }
  return row;
}

/**
 * Accepting creates the operator, or — when the email already has an account —
 * asks for that account's password, then adds the membership and logs in.
 */
export async function acceptInvitation(
  deps: InvitationDeps,
  token: string,
  input: { name: string; password: string },
  meta: SessionMeta,
): Promise<IssuedSession> {
  const invitation = await findOpenInvitation(deps, token);
  return deps.db.transaction(async (tx) => {
    const txDeps = { ...deps, db: tx };
    const existing = await findOperatorByEmail(tx, invitation.email);
    let operator;
    if (existing) {
      if (!(await verifyPassword(existing.passwordHash, input.password))) {
        throw accessErrors.error("access.invalid_credentials", "This email already has an account: enter its password.", [
          { path: "password", message: "is not this account's password" },
        ]);
      }
      operator = toOperatorDto(existing);
    } else {
      operator = await createOperator(txDeps, { email: invitation.email, name: input.name, password: input.password });
    }
    const ctx: WorkspaceContext = {
      workspaceId: invitation.workspaceId,
      actor: { type: "operator", id: operator.id, name: operator.name },
      storeIds: null,
      ip: meta.ip,
    };
    await addMembership(txDeps, ctx, {
      operatorId: operator.id,
      email: operator.email,
      role: invitation.role as Role,
      storeIds: invitation.storeIds,
    });
    await tx.update(accessInvitations).set({ acceptedAt: deps.clock.now() }).where(eq(accessInvitations.id, invitation.id));
    return issueSession(txDeps, operator, meta);
  });
}

function toInvitationDto(row: typeof accessInvitations.$inferSelect): InvitationDto {
  return {
    id: row.id,
    email: row.email,
    role: row.role as Role,
    storeIds: row.storeIds,
    expiresAt: row.expiresAt.toISOString(),
    acceptedAt: row.acceptedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
