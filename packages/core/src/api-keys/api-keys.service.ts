import { and, desc, eq, isNull } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { ApiKeyDto, ApiKeyScope, CreateApiKeyBody } from "@siyu/contracts";
import { appendAuditEntry } from "../audit";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { isUuid, newId } from "../shared/ids";
import { hashToken, randomToken } from "../shared/secrets";
import { apiKeyErrors } from "./api-keys.errors";
import { apiKeys } from "./api-keys.schema";

interface Deps {
  db: Db;
  clock: Clock;
}

// The scope is readable in the secret itself, so a leaked key says at once what it can do.
const SECRET_PREFIX: Record<ApiKeyScope, string> = { ingest: "sk_ingest_", admin: "sk_admin_" };
const LAST_USED_INTERVAL_MS = 60_000;

export interface AuthenticatedApiKey {
  id: string;
  workspaceId: string;
  name: string;
  scope: ApiKeyScope;
}

export function createApiKeysService(deps: Deps) {
  return {
    create: (ctx: WorkspaceContext, input: CreateApiKeyBody) => createApiKey(deps, ctx, input),
    list: (ctx: WorkspaceContext) => listApiKeys(deps.db, ctx),
    revoke: (ctx: WorkspaceContext, apiKeyId: string) => revokeApiKey(deps, ctx, apiKeyId),
    authenticate: (secret: string) => authenticateApiKey(deps, secret),
  };
}
export type ApiKeysService = ReturnType<typeof createApiKeysService>;

async function createApiKey(deps: Deps, ctx: WorkspaceContext, input: CreateApiKeyBody) {
  const secret = SECRET_PREFIX[input.scope] + randomToken(40);
  const row = {
    id: newId(),
    workspaceId: ctx.workspaceId,
    name: input.name,
    scope: input.scope,
    prefix: secret.slice(0, SECRET_PREFIX[input.scope].length + 6),
    secretHash: hashToken(secret),
    createdBy: ctx.actor.name,
    createdAt: deps.clock.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await deps.db.transaction(async (tx) => {
    await tx.insert(apiKeys).values(row);
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "api_key.created",
      targetType: "api_key",
      targetId: row.id,
      summary: `Created ${row.scope} API key "${row.name}" (${row.prefix}…)`,
      after: { name: row.name, scope: row.scope, prefix: row.prefix },
    });
  });
  return { apiKey: toApiKeyDto(row), secret };
}

async function listApiKeys(db: Db, ctx: WorkspaceContext) {
  const rows = await db.select().from(apiKeys).where(eq(apiKeys.workspaceId, ctx.workspaceId)).orderBy(desc(apiKeys.id));
  return rows.map(toApiKeyDto);
}

async function revokeApiKey(deps: Deps, ctx: WorkspaceContext, apiKeyId: string) {
  await deps.db.transaction(async (tx) => {
    const [row] = isUuid(apiKeyId)
      ? await tx.select().from(apiKeys).where(and(eq(apiKeys.workspaceId, ctx.workspaceId), eq(apiKeys.id, apiKeyId)))
      : [];
    if (!row) throw apiKeyErrors.error("api_keys.not_found", "No such API key.");
    if (row.revokedAt) return;
    await tx.update(apiKeys).set({ revokedAt: deps.clock.now() }).where(eq(apiKeys.id, row.id));
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "api_key.revoked",
      targetType: "api_key",
      targetId: row.id,
      summary: `Revoked API key "${row.name}" (${row.prefix}…)`,
      before: { name: row.name, scope: row.scope, prefix: row.prefix },
    });
  });
}

async function authenticateApiKey(deps: Deps, secret: string): Promise<AuthenticatedApiKey | null> {
  if (!secret.startsWith("sk_") || secret.length > 100) return null;
  const [row] = await deps.db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.secretHash, hashToken(secret)), isNull(apiKeys.revokedAt)));
  if (!row) return null;
  const now = deps.clock.now();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_INTERVAL_MS) {
    await deps.db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, row.id));
  }
  return { id: row.id, workspaceId: row.workspaceId, name: row.name, scope: row.scope as ApiKeyScope };
}

function toApiKeyDto(row: typeof apiKeys.$inferSelect): ApiKeyDto {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope as ApiKeyScope,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
