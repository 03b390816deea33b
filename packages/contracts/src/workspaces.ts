import { z } from "zod";
import { Currency, Id, IsoDateTime, TimeZone } from "./common";
import { Role } from "./roles";

export const WorkspaceDto = z.object({
  id: Id,
  name: z.string(),
  slug: z.string(),
  timezone: z.string(),
  currency: z.string(),
  isDemo: z.boolean(),
  createdAt: IsoDateTime,
});
export type WorkspaceDto = z.infer<typeof WorkspaceDto>;

export const WorkspaceName = z.string().trim().min(1).max(100);

export const CreateWorkspaceBody = z.strictObject({
  name: WorkspaceName,
  timezone: TimeZone.default("Asia/Shanghai"),
  currency: Currency.default("CNY"),
});
export type CreateWorkspaceBody = z.infer<typeof CreateWorkspaceBody>;

export const UpdateWorkspaceBody = z
  .strictObject({ name: WorkspaceName, timezone: TimeZone, currency: Currency })
  .partial();
export type UpdateWorkspaceBody = z.infer<typeof UpdateWorkspaceBody>;

export const WorkspaceListDto = z.object({
  items: z.array(WorkspaceDto.extend({ role: Role })),
});
export type WorkspaceListDto = z.infer<typeof WorkspaceListDto>;
