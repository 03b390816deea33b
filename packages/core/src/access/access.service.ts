import type { Db } from "@siyu/storage";
import type { CreateInvitationBody, Role, UpdateMembershipBody } from "@siyu/contracts";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import type { AccessSettings } from "./access.settings";
import * as invitations from "./invitations.service";
import * as memberships from "./memberships.service";
import * as operators from "./operators.service";

export function createAccessService(deps: {
  db: Db;
  clock: Clock;
  settings: AccessSettings;
  existingStores: memberships.StoreIdCheck;
}) {
  return {
    createOperator: (input: operators.CreateOperatorInput) => operators.createOperator(deps, input),
    getOperator: (operatorId: string) => operators.getOperator(deps.db, operatorId),
    findOperatorByEmail: (email: string) => operators.findOperatorByEmail(deps.db, email),
    setPassword: (operatorId: string, password: string) => operators.setPassword(deps, operatorId, password, null),
    login: (email: string, password: string, meta: operators.SessionMeta) => operators.login(deps, email, password, meta),
    authenticateSession: (token: string) => operators.authenticateSession(deps, token),
    logout: (token: string) => operators.logout(deps, token),
    changePassword: (operatorId: string, current: string, next: string, keepSessionId: string | null) =>
      operators.changePassword(deps, operatorId, current, next, keepSessionId),
    deleteExpiredSessions: () => operators.deleteExpiredSessions(deps),

    getMembership: (operatorId: string, workspaceId: string) => memberships.getMembership(deps.db, operatorId, workspaceId),
    listMembershipsOf: (operatorId: string) => memberships.listMembershipsOf(deps.db, operatorId),
    addMembership: (ctx: WorkspaceContext, input: Parameters<typeof memberships.addMembership>[2]) =>
      memberships.addMembership(deps, ctx, input),
    listMembers: (ctx: WorkspaceContext) => memberships.listMembers(deps.db, ctx),
    updateMembership: (ctx: WorkspaceContext, actorRole: Role | null, operatorId: string, input: UpdateMembershipBody) =>
      memberships.updateMembership(deps, ctx, actorRole, operatorId, input),
    removeMember: (ctx: WorkspaceContext, actorRole: Role | null, operatorId: string) =>
      memberships.removeMember(deps, ctx, actorRole, operatorId),

    createInvitation: (ctx: WorkspaceContext, actorRole: Role | null, input: CreateInvitationBody) =>
      invitations.createInvitation(deps, ctx, actorRole, input),
    listInvitations: (ctx: WorkspaceContext) => invitations.listInvitations(deps, ctx),
    revokeInvitation: (ctx: WorkspaceContext, invitationId: string) => invitations.revokeInvitation(deps, ctx, invitationId),
    findOpenInvitation: (token: string) => invitations.findOpenInvitation(deps, token),
    acceptInvitation: (token: string, input: { name: string; password: string }, meta: operators.SessionMeta) =>
      invitations.acceptInvitation(deps, token, input, meta),
  };
}
export type AccessService = ReturnType<typeof createAccessService>;
