import { z } from "zod";
import { Id, IsoDateTime, PageQuery, pageOf } from "./common";

export const AUDIT_ACTOR_TYPES = ["operator", "api_key", "system"] as const;

export const AuditEntryDto = z.object({
  id: Id,
  at: IsoDateTime,
  actorType: z.enum(AUDIT_ACTOR_TYPES),
  actorId: z.string().nullable(),
  actorName: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string().nullable(),
  summary: z.string(),
  before: z.record(z.string(), z.unknown()).nullable(),
  after: z.record(z.string(), z.unknown()).nullable(),
  ip: z.string().nullable(),
});
export type AuditEntryDto = z.infer<typeof AuditEntryDto>;

export const AuditListQuery = PageQuery.extend({
  action: z.string().max(100).optional(),
  targetType: z.string().max(50).optional(),
  actorId: z.string().max(64).optional(),
});
export type AuditListQuery = z.infer<typeof AuditListQuery>;
export const AuditPageDto = pageOf(AuditEntryDto);
export type AuditPageDto = z.infer<typeof AuditPageDto>;
