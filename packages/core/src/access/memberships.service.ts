import { and, asc, eq, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { Role, UpdateMembershipBody, WorkspaceOperatorDto } from "@siyu/contracts";
import { appendAuditEntry, diffFields } from "../audit";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { isUuid } from "../shared/ids";
import { accessErrors } from "./access.errors";
import { accessMemberships, accessOperators } from "./access.schema";

export interface Membership {
  workspaceId: string;
  operatorId: string;
  role: Role;
  storeIds: string[];
}

/**
 * Checks store ids against the workspace's stores; provided by the stores module.
 * Takes the caller's handle: inside a transaction on PGlite's one connection, a
 * query on any other handle would wait for the transaction forever.
 */
export type StoreIdCheck = (ctx: WorkspaceContext, ids: readonly string[], db: Db) => Promise<Set<string>>;

export interface MembershipDeps {
  db: Db;
  clock: Clock;
  existingStores: StoreIdCheck;
}

export async function getMembership(db: Db, operatorId: string, workspaceId: string): Promise<Membership | null> {
  if (!isUuid(workspaceId)) return null;
  const [row] = await db
    .select()
    .from(accessMemberships)
    .where(and(eq(accessMemberships.operatorId, operatorId), eq(accessMemberships.workspaceId, workspaceId)));
  return row ? toMembership(row) : null;
}

export async function listMembershipsOf(db: Db, operatorId: string): Promise<Membership[]> {
  const rows = await db
    .select()
    .from(accessMemberships)
    .where(eq(accessMemberships.operatorId, operatorId))
    .orderBy(asc(accessMemberships.createdAt));
  return rows.map(toMembership);
}

export async function addMembership(
  deps: MembershipDeps,
  ctx: WorkspaceContext,
  input: { operatorId: string; email: string; role: Role; storeIds: readonly string[] },
): Promise<void> {
  const storeIds = await checkStores(deps, ctx, input.role, input.storeIds);
  await deps.db.transaction(async (tx) => {
    if (await getMembership(tx, input.operatorId, ctx.workspaceId)) {
      throw accessErrors.error("access.already_member", `${input.email} is already a member of this workspace.`);
    }
    await tx.insert(accessMemberships).values({
      workspaceId: ctx.workspaceId,
      operatorId: input.operatorId,
      role: input.role,
      storeIds,
      createdAt: deps.clock.now(),
    });
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "operator.added",
      targetType: "operator",
      targetId: input.operatorId,
      summary: `Added ${input.email} as ${input.role}`,
      after: { email: input.email, role: input.role, storeIds },
    });
  });
}

export async function listMembers(db: Db, ctx: WorkspaceContext): Promise<WorkspaceOperatorDto[]> {
  const rows = await db
    .select({ membership: accessMemberships, operator: accessOperators })
    .from(accessMemberships)
    .innerJoin(accessOperators, eq(accessOperators.id, accessMemberships.operatorId))
    .where(eq(accessMemberships.workspaceId, ctx.workspaceId))
    .orderBy(asc(accessMemberships.createdAt));
  return rows.map(({ membership, operator }) => ({
    operatorId: operator.id,
    email: operator.email,
    name: operator.name,
    role: membership.role as Role,
    storeIds: membership.storeIds,
    joinedAt: membership.createdAt.toISOString(),
    lastLoginAt: operator.lastLoginAt?.toISOString() ?? null,
  }));
}

/**
 * Only an owner may make or unmake an owner, and a workspace always keeps one.
 * `actorRole` is null for API keys and the system, which are never owners.
 */
export async function updateMembership(
  deps: MembershipDeps,
  ctx: WorkspaceContext,
  actorRole: Role | null,
  operatorId: string,
  input: UpdateMembershipBody,
): Promise<WorkspaceOperatorDto> {
  return deps.db.transaction(async (tx) => {
    const members = await listMembers(tx, ctx);
    const before = members.find((m) => m.operatorId === operatorId);
    if (!before) throw accessErrors.error("access.member_not_found", "No such operator in this workspace.");
    const role = input.role ?? before.role;
    if ((role === "owner" || before.role === "owner") && role !== before.role && actorRole !== "owner") {
      throw accessErrors.error("access.owner_required", "Only an owner can grant or remove the owner role.");
    }
    if (before.role === "owner" && role !== "owner" && members.filter((m) => m.role === "owner").length === 1) {
      throw accessErrors.error("access.last_owner", "A workspace needs at least one owner.");
    }
    const storeIds = await checkStores({ ...deps, db: tx }, ctx, role, input.storeIds ?? before.storeIds);
    await tx
      .update(accessMemberships)
      .set({ role, storeIds })
      .where(and(eq(accessMemberships.workspaceId, ctx.workspaceId), eq(accessMemberships.operatorId, operatorId)));
    const after = { ...before, role, storeIds };
    const diff = diffFields(before, after, ["role", "storeIds"]);
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "operator.updated",
      targetType: "operator",
      targetId: operatorId,
      summary: `Changed ${before.email}: ${Object.keys(diff.after).join(", ") || "no change"}`,
      ...diff,
    });
    return after;
  });
}

export async function removeMember(
  deps: MembershipDeps,
  ctx: WorkspaceContext,
  actorRole: Role | null,
  operatorId: string,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const members = await listMembers(tx, ctx);
    const member = members.find((m) => m.operatorId === operatorId);
    if (!member) throw accessErrors.error("access.member_not_found", "No such operator in this workspace.");
    if (member.role === "owner") {
      if (actorRole !== "owner") throw accessErrors.error("access.owner_required", "Only an owner can remove an owner.");
      if (members.filter((m) => m.role === "owner").length === 1) {
        throw accessErrors.error("access.last_owner", "A workspace needs at least one owner.");
      }
    }
    await tx
      .delete(accessMemberships)
      .where(and(eq(accessMemberships.workspaceId, ctx.workspaceId), eq(accessMemberships.operatorId, operatorId)));
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "operator.removed",
      targetType: "operator",
      targetId: operatorId,
      summary: `Removed ${member.email} (${member.role})`,
      before: { email: member.email, role: member.role, storeIds: member.storeIds },
    });
  });
}

export async function countOwners(db: Db, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(accessMemberships)
    .where(and(eq(accessMemberships.workspaceId, workspaceId), eq(accessMemberships.role, "owner")));
  return row?.n ?? 0;
}

/** Store assignments only mean something for store managers; each id must be a store of the workspace. */
async function checkStores(deps: MembershipDeps, ctx: WorkspaceContext, role: Role, storeIds: readonly string[]) {
  if (role !== "store_manager") return [];
  const unique = [...new Set(storeIds)];
  const known = await deps.existingStores(ctx, unique, deps.db);
  const unknown = unique.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw accessErrors.error("access.unknown_store", `Unknown store id ${unknown[0]}.`, [
      { path: "storeIds", message: `unknown store ${unknown.join(", ")}` },
    ]);
  }
  return unique;
}

function toMembership(row: typeof accessMemberships.$inferSelect): Membership {
  return { workspaceId: row.workspaceId, operatorId: row.operatorId, role: row.role as Role, storeIds: row.storeIds };
}
