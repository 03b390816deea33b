import { z } from "zod";

/** Operator-editable defaults of the access module (from the server's config file or env). */
export const AccessSettings = z.strictObject({
  /** How long a console session lives without being used. */
  sessionTtlHours: z.number().int().min(1).max(24 * 90).default(24 * 7),
  invitationTtlHours: z.number().int().min(1).max(24 * 30).default(72),
  /** Argon2id cost; the defaults are OWASP's recommendation (19 MiB, 2 passes). */
  passwordMemoryKiB: z.number().int().min(1024).max(1024 * 1024).default(19456),
  passwordPasses: z.number().int().min(1).max(10).default(2),
});
export type AccessSettings = z.infer<typeof AccessSettings>;
export const DEFAULT_ACCESS_SETTINGS: AccessSettings = AccessSettings.parse({});
