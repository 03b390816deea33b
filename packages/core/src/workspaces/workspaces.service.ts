import { eq, inArray } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { CreateWorkspaceBody, UpdateWorkspaceBody, WorkspaceDto } from "@siyu/contracts";
import { appendAuditEntry, diffFields } from "../audit";
import type { Clock } from "../shared/clock";
import type { Actor, WorkspaceContext } from "../shared/context";
import { newId, isUuid } from "../shared/ids";
import { randomToken } from "../shared/secrets";
import { workspaceErrors } from "./workspaces.errors";
import { workspaces } from "./workspaces.schema";

export interface CreateWorkspaceInput extends CreateWorkspaceBody {
  slug?: string;
  isDemo?: boolean;
}

interface Deps {
  db: Db;
  clock: Clock;
}

export function createWorkspacesService(deps: Deps) {
  return {
    create: (input: CreateWorkspaceInput, actor: Actor, ip: string | null = null) => createWorkspace(deps, input, actor, ip),
    get: (workspaceId: string) => getWorkspace(deps.db, workspaceId),
    getMany: (ids: readonly string[]) => getWorkspaces(deps.db, ids),
    findBySlug: (slug: string) => findBySlug(deps.db, slug),
    update: (ctx: WorkspaceContext, input: UpdateWorkspaceBody) => updateWorkspace(deps, ctx, input),
    remove: (workspaceId: string) => deps.db.delete(workspaces).where(eq(workspaces.id, workspaceId)),
  };
}
export type WorkspacesService = ReturnType<typeof createWorkspacesService>;

async function createWorkspace(deps: Deps, input: CreateWorkspaceInput, actor: Actor, ip: string | null) {
  const now = deps.clock.now();
  const slug = input.slug ?? slugify(input.name);
  if (await findBySlug(deps.db, slug)) throw workspaceErrors.error("workspaces.slug_taken", `The slug ${slug} is taken.`);
  const row = {
    id: newId(),
    name: input.name,
    slug,
    timezone: input.timezone,
    currency: input.currency,
    isDemo: input.isDemo ?? false,
    createdAt: now,
    updatedAt: now,
  };
  await deps.db.transaction(async (tx) => {
    await tx.insert(workspaces).values(row);
    await appendAuditEntry(tx, deps.clock, { workspaceId: row.id, actor, storeIds: null, ip }, {
      action: "workspace.created",
      targetType: "workspace",
      targetId: row.id,
      summary: `Created workspace ${row.name}`,
      after: { name: row.name, timezone: row.timezone, currency: row.currency },
    });
  });
  return toWorkspaceDto(row);
}

async function getWorkspace(db: Db, workspaceId: string): Promise<WorkspaceDto> {
  const [row] = isUuid(workspaceId) ? await db.select().from(workspaces).where(eq(workspaces.id, workspaceId)) : [];
  if (!row) throw workspaceErrors.error("workspaces.not_found", "No such workspace.");
  return toWorkspaceDto(row);
}

async function getWorkspaces(db: Db, ids: readonly string[]): Promise<WorkspaceDto[]> {
  if (ids.length === 0) return [];
  const rows = await db.select().from(workspaces).where(inArray(workspaces.id, [...ids]));
  return rows.map(toWorkspaceDto);
}

async function findBySlug(db: Db, slug: string): Promise<WorkspaceDto | null> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.slug, slug));
  return row ? toWorkspaceDto(row) : null;
}

async function updateWorkspace(deps: Deps, ctx: WorkspaceContext, input: UpdateWorkspaceBody) {
  return deps.db.transaction(async (tx) => {
    const before = await getWorkspace(tx, ctx.workspaceId);
    const after = { ...before, ...stripUndefined(input) };
    await tx
      .update(workspaces)
      .set({ name: after.name, timezone: after.timezone, currency: after.currency, updatedAt: deps.clock.now() })
      .where(eq(workspaces.id, ctx.workspaceId));
    const diff = diffFields(before, after, ["name", "timezone", "currency"]);
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "workspace.updated",
      targetType: "workspace",
      targetId: ctx.workspaceId,
      summary: `Updated workspace settings (${Object.keys(diff.after).join(", ") || "no change"})`,
      ...diff,
    });
    return after;
  });
}

function slugify(name: string): string {
  const ascii = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  // A random tail keeps slugs unique without a read-then-retry loop.
  return `${ascii || "ws"}-${randomToken(6).toLowerCase()}`;
}

function stripUndefined<T extends object>(input: T): Partial<T> {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function toWorkspaceDto(row: typeof workspaces.$inferSelect): WorkspaceDto {
  return {
    id: row.id,
    name: row.name,
    slug: row.slug,
    timezone: row.timezone,
    currency: row.currency,
    isDemo: row.isDemo,
    createdAt: row.createdAt.toISOString(),
  };
}
