import { and, asc, eq, gt, ilike, inArray, or, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { CreateStoreBody, StoreDto, StoreListQuery, UpdateStoreBody } from "@siyu/contracts";
import { appendAuditEntry, diffFields } from "../audit";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { isUuid, newId } from "../shared/ids";
import { decodeCursor, pageResult } from "../shared/paging";
import { storeErrors } from "./stores.errors";
import { isUniqueViolation } from "../shared/domain-error";
import { stores } from "./stores.schema";

interface Deps {
  db: Db;
  clock: Clock;
}

const AUDITED_FIELDS = ["code", "name", "city", "address", "phone", "status"] as const;

export function createStoresService(deps: Deps) {
  return {
    list: (ctx: WorkspaceContext, query: StoreListQuery) => listStores(deps.db, ctx, query),
    get: (ctx: WorkspaceContext, storeId: string) => getStore(deps.db, ctx, storeId),
    findByCode: (ctx: WorkspaceContext, code: string) => findStoreByCode(deps.db, ctx, code),
    create: (ctx: WorkspaceContext, input: CreateStoreBody) => createStore(deps, ctx, input),
    createMany: (ctx: WorkspaceContext, inputs: CreateStoreBody[]) => createStores(deps, ctx, inputs),
    update: (ctx: WorkspaceContext, storeId: string, input: UpdateStoreBody) => updateStore(deps, ctx, storeId, input),
    remove: (ctx: WorkspaceContext, storeId: string) => removeStore(deps, ctx, storeId),
    /** Which of these ids are stores of the workspace: used to validate store assignments. */
    existing: (ctx: WorkspaceContext, ids: readonly string[], db: Db = deps.db) => existingStoreIds(db, ctx, ids),
  };
}
export type StoresService = ReturnType<typeof createStoresService>;

/** Store managers see only their stores; everyone else sees all of the workspace's. */
function visible(ctx: WorkspaceContext) {
  const inWorkspace = eq(stores.workspaceId, ctx.workspaceId);
  if (ctx.storeIds === null) return inWorkspace;
  const ids = ctx.storeIds.filter(isUuid);
  return and(inWorkspace, ids.length ? inArray(stores.id, ids) : sql`false`);
}

async function listStores(db: Db, ctx: WorkspaceContext, query: StoreListQuery) {
  const cursor = decodeCursor(query.cursor);
  const pattern = query.q ? `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const rows = await db
    .select()
    .from(stores)
    .where(
      and(
        visible(ctx),
        cursor ? gt(stores.id, cursor) : undefined,
        query.city ? eq(stores.city, query.city) : undefined,
        query.status ? eq(stores.status, query.status) : undefined,
        pattern ? or(ilike(stores.name, pattern), ilike(stores.code, pattern), ilike(stores.city, pattern)) : undefined,
      ),
    )
    .orderBy(asc(stores.id))
    .limit(query.limit + 1);
  return pageResult(rows.map(toStoreDto), query.limit);
}

async function getStore(db: Db, ctx: WorkspaceContext, storeId: string): Promise<StoreDto> {
  const [row] = isUuid(storeId) ? await db.select().from(stores).where(and(visible(ctx), eq(stores.id, storeId))) : [];
  if (!row) throw storeErrors.error("stores.not_found", "No such store.");
  return toStoreDto(row);
}

async function findStoreByCode(db: Db, ctx: WorkspaceContext, code: string): Promise<StoreDto | null> {
  const [row] = await db.select().from(stores).where(and(visible(ctx), eq(stores.code, code)));
  return row ? toStoreDto(row) : null;
}

async function createStore(deps: Deps, ctx: WorkspaceContext, input: CreateStoreBody) {
  const [created] = await createStores(deps, ctx, [input]);
  return created as StoreDto;
}

async function createStores(deps: Deps, ctx: WorkspaceContext, inputs: CreateStoreBody[]) {
  if (inputs.length === 0) return [];
  const now = deps.clock.now();
  const rows = inputs.map((input) => ({
    id: newId(),
    workspaceId: ctx.workspaceId,
    code: input.code,
    name: input.name,
    city: input.city,
    address: input.address ?? null,
    phone: input.phone ?? null,
    status: input.status,
    createdAt: now,
    updatedAt: now,
  }));
  const repeated = rows.map((r) => r.code).filter((code, i, all) => all.indexOf(code) !== i);
  if (repeated.length > 0) {
    throw storeErrors.error(
      "stores.code_taken",
      `Store code ${repeated[0]} appears twice.`,
      repeated.map((code) => ({ path: "code", message: `${code} appears twice` })),
    );
  }
  return deps.db.transaction(async (tx) => {
    const taken = await tx
      .select({ code: stores.code })
      .from(stores)
      .where(and(eq(stores.workspaceId, ctx.workspaceId), inArray(stores.code, rows.map((r) => r.code))));
    if (taken.length > 0) {
      throw storeErrors.error(
        "stores.code_taken",
        `Store code ${taken[0]?.code} is already used.`,
        taken.map((t) => ({ path: "code", message: `${t.code} is already used` })),
      );
    }
    try {
      await tx.insert(stores).values(rows);
    } catch (error) {
      // Two requests creating the same code at once: the index decides, the answer stays a 409.
      if (isUniqueViolation(error)) throw storeErrors.error("stores.code_taken", "A store code in this request is already used.", [{ path: "code", message: "is already used" }]);
      throw error;
    }
    for (const row of rows) {
      await appendAuditEntry(tx, deps.clock, ctx, {
        action: "store.created",
        targetType: "store",
        targetId: row.id,
        summary: `Created store ${row.code} ${row.name}`,
        after: pick(row, AUDITED_FIELDS),
      });
    }
    return rows.map(toStoreDto);
  });
}

async function updateStore(deps: Deps, ctx: WorkspaceContext, storeId: string, input: UpdateStoreBody) {
  return deps.db.transaction(async (tx) => {
    const before = await getStore(tx, ctx, storeId);
    const after = { ...before, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
    if (input.code && input.code !== before.code) {
      const [clash] = await tx
        .select({ id: stores.id })
        .from(stores)
        .where(and(eq(stores.workspaceId, ctx.workspaceId), eq(stores.code, input.code)));
      if (clash) {
        throw storeErrors.error("stores.code_taken", `Store code ${input.code} is already used.`, [
          { path: "code", message: `${input.code} is already used` },
        ]);
      }
    }
    const updatedAt = deps.clock.now();
    await tx
      .update(stores)
      .set({
        code: after.code,
        name: after.name,
        city: after.city,
        address: after.address,
        phone: after.phone,
        status: after.status,
        updatedAt,
      })
      .where(and(eq(stores.workspaceId, ctx.workspaceId), eq(stores.id, storeId)));
    const diff = diffFields(before, after, AUDITED_FIELDS);
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "store.updated",
      targetType: "store",
      targetId: storeId,
      summary: `Updated store ${after.code} (${Object.keys(diff.after).join(", ") || "no change"})`,
      ...diff,
    });
    return { ...after, updatedAt: updatedAt.toISOString() };
  });
}

async function removeStore(deps: Deps, ctx: WorkspaceContext, storeId: string) {
  await deps.db.transaction(async (tx) => {
    const before = await getStore(tx, ctx, storeId);
    await tx.delete(stores).where(and(eq(stores.workspaceId, ctx.workspaceId), eq(stores.id, storeId)));
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "store.deleted",
      targetType: "store",
      targetId: storeId,
      summary: `Deleted store ${before.code} ${before.name}`,
      before: pick(before, AUDITED_FIELDS),
    });
  });
}

async function existingStoreIds(db: Db, ctx: WorkspaceContext, ids: readonly string[]): Promise<Set<string>> {
  const candidates = ids.filter(isUuid);
  if (candidates.length === 0) return new Set();
  const rows = await db
    .select({ id: stores.id })
    .from(stores)
    .where(and(eq(stores.workspaceId, ctx.workspaceId), inArray(stores.id, candidates)));
  return new Set(rows.map((r) => r.id));
}

function pick<T extends object, K extends keyof T>(row: T, keys: readonly K[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, row[k]]));
}

function toStoreDto(row: typeof stores.$inferSelect): StoreDto {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    city: row.city,
    address: row.address,
    phone: row.phone,
    status: row.status as StoreDto["status"],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
