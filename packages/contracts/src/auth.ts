import { z } from "zod";
import { Id, IsoDateTime } from "./common";
import { Role } from "./roles";
import { WorkspaceDto } from "./workspaces";

export const Email = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ message: "must be an email address" }).max(254));

/** Passwords: long enough to resist guessing, short enough to keep the KDF cheap to call. */
export const Password = z.string().min(10, { message: "must be at least 10 characters" }).max(200);

export const LoginBody = z.strictObject({ email: Email, password: z.string().min(1).max(200) });
export type LoginBody = z.infer<typeof LoginBody>;

export const OperatorDto = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  createdAt: IsoDateTime,
  lastLoginAt: IsoDateTime.nullable(),
});
export type OperatorDto = z.infer<typeof OperatorDto>;

export const MembershipDto = z.object({
  workspace: WorkspaceDto,
  role: Role,
  storeIds: z.array(Id),
});
export type MembershipDto = z.infer<typeof MembershipDto>;

export const MeDto = z.object({ operator: OperatorDto, memberships: z.array(MembershipDto) });
export type MeDto = z.infer<typeof MeDto>;

export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(200),
  newPassword: Password,
});
export type ChangePasswordBody = z.infer<typeof ChangePasswordBody>;
