import { z } from "zod";

/** Time-ordered identifiers (UUIDv7) for every row Siyu creates. */
export const Id = z.uuid();

export const IsoDateTime = z.iso.datetime({ offset: true });
/** A calendar day (YYYY-MM-DD), read in the workspace's time zone. */
export const LocalDate = z.iso.date();

/** The one error shape every endpoint answers with. */
export const ErrorDto = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.unknown().optional(),
  }),
});
export type ErrorDto = z.infer<typeof ErrorDto>;

export const PageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const TimeZone = z
  .string()
  .min(1)
  .max(64)
  .refine((tz) => isValidTimeZone(tz), { message: "must be an IANA time zone such as Asia/Shanghai" });

export const Currency = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: "must be an ISO 4217 code such as CNY" });

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const WorkspaceParams = z.strictObject({ workspaceId: Id });
