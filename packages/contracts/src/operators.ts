import { z } from "zod";
import { Id, IsoDateTime } from "./common";
import { Email, Password } from "./auth";
import { Role } from "./roles";

export const WorkspaceOperatorDto = z.object({
  operatorId: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  storeIds: z.array(Id),
  joinedAt: IsoDateTime,
  lastLoginAt: IsoDateTime.nullable(),
});
export type WorkspaceOperatorDto = z.infer<typeof WorkspaceOperatorDto>;
export const WorkspaceOperatorListDto = z.object({ items: z.array(WorkspaceOperatorDto) });

export const OperatorParams = z.strictObject({ workspaceId: Id, operatorId: Id });

export const UpdateMembershipBody = z
  .strictObject({ role: Role, storeIds: z.array(Id).max(500) })
  .partial();
export type UpdateMembershipBody = z.infer<typeof UpdateMembershipBody>;

export const InvitationDto = z.object({
  id: Id,
  email: z.string(),
  role: Role,
  storeIds: z.array(Id),
  expiresAt: IsoDateTime,
  acceptedAt: IsoDateTime.nullable(),
  revokedAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
});
export type InvitationDto = z.infer<typeof InvitationDto>;
export const InvitationListDto = z.object({ items: z.array(InvitationDto) });

export const CreateInvitationBody = z.strictObject({
  email: Email,
  role: Role,
  storeIds: z.array(Id).max(500).default([]),
});
export type CreateInvitationBody = z.infer<typeof CreateInvitationBody>;

/** The token is shown once, here; only its hash is stored. */
export const CreatedInvitationDto = z.object({
  invitation: InvitationDto,
  token: z.string(),
  acceptUrl: z.string(),
});

export const InvitationParams = z.strictObject({ workspaceId: Id, invitationId: Id });
export const InvitationTokenParams = z.strictObject({ token: z.string().min(20).max(200) });

export const InvitationPreviewDto = z.object({
  email: z.string(),
  workspaceName: z.string(),
  role: Role,
  expiresAt: IsoDateTime,
  operatorExists: z.boolean(),
});

/**
 * A new person chooses a name and password. Someone who already has an account
 * (the preview says `operatorExists`) gives that account's password; the name is kept.
 */
export const AcceptInvitationBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  password: Password,
});
export type AcceptInvitationBody = z.infer<typeof AcceptInvitationBody>;
export type InvitationPreviewDto = z.infer<typeof InvitationPreviewDto>;
export type CreatedInvitationDto = z.infer<typeof CreatedInvitationDto>;
export type InvitationListDto = z.infer<typeof InvitationListDto>;
export type WorkspaceOperatorListDto = z.infer<typeof WorkspaceOperatorListDto>;
