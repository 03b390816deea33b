import { z } from "zod";
import { Id, IsoDateTime } from "./common";

export const API_KEY_SCOPES = ["ingest", "admin"] as const;
export const ApiKeyScope = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const ApiKeyDto = z.object({
  id: Id,
  name: z.string(),
  scope: ApiKeyScope,
  /** First characters of the secret, enough to recognise a key in logs. */
  prefix: z.string(),
  createdAt: IsoDateTime,
  /** Display name of the operator (or key) that created it. */
  createdBy: z.string().nullable(),
  lastUsedAt: IsoDateTime.nullable(),
  revokedAt: IsoDateTime.nullable(),
});
export type ApiKeyDto = z.infer<typeof ApiKeyDto>;
export const ApiKeyListDto = z.object({ items: z.array(ApiKeyDto) });

export const CreateApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  scope: ApiKeyScope,
});
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

/** The secret is shown once, in this answer; only its hash is stored. */
export const CreatedApiKeyDto = z.object({ apiKey: ApiKeyDto, secret: z.string() });
export type CreatedApiKeyDto = z.infer<typeof CreatedApiKeyDto>;

export const ApiKeyParams = z.strictObject({ workspaceId: Id, apiKeyId: Id });
export type ApiKeyListDto = z.infer<typeof ApiKeyListDto>;
