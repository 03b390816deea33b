import { and, asc, eq, gte, lte } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { AcquisitionCostBody, AcquisitionCostDto, AcquisitionCostListQuery, CostKind } from "@siyu/contracts";
import { appendAuditEntry, diffFields } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { newId } from "../../shared/ids";
import { dayCount } from "./kpi-period";
import { kpiErrors } from "./kpi.errors";
import { analyticsAcquisitionCosts as costs } from "./kpi.schema";

export interface CostDeps {
  db: Db;
  clock: Clock;
  /** Which of these ids are stores of the workspace. */
  existingStores: (ctx: WorkspaceContext, ids: readonly string[]) => Promise<ReadonlySet<string>>;
}

type CostRow = typeof costs.$inferSelect;
const AUDITED = ["kind", "key", "from", "to", "amountMinor", "storeId", "note"] as const;
const isUuid = (s: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(s);

function toDto(r: CostRow): AcquisitionCostDto {
  return {
    id: r.id,
    kind: r.kind as CostKind,
    key: r.key,
    from: r.fromDay,
    to: r.toDay,
    amountMinor: r.amountMinor,
    storeId: r.storeId,
    note: r.note,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

export async function listCosts(db: Db, workspaceId: string, query: AcquisitionCostListQuery): Promise<AcquisitionCostDto[]> {
  const rows = await db
    .select()
    .from(costs)
    .where(
      and(
        eq(costs.workspaceId, workspaceId),
        query.from ? gte(costs.toDay, query.from) : undefined,
        query.to ? lte(costs.fromDay, query.to) : undefined,
        query.kind ? eq(costs.kind, query.kind) : undefined,
      ),
    )
    .orderBy(asc(costs.fromDay), asc(costs.kind), asc(costs.key), asc(costs.id));
  return rows.map(toDto);
}

async function checkStore(deps: CostDeps, ctx: WorkspaceContext, storeId: string | null) {
  if (storeId === null) return;
  const found = await deps.existingStores(ctx, [storeId]);
  if (!found.has(storeId)) throw kpiErrors.error("analytics.store_not_found", "No such store.", [{ path: "storeId", message: "is not a store of this workspace" }]);
}

async function getRow(db: Db, ctx: WorkspaceContext, costId: string): Promise<CostRow> {
  const [row] = isUuid(costId) ? await db.select().from(costs).where(and(eq(costs.workspaceId, ctx.workspaceId), eq(costs.id, costId))).for("update") : [];
  if (!row) throw kpiErrors.error("analytics.cost_not_found", "No such acquisition cost.");
  return row;
}

const audited = (d: AcquisitionCostDto) => Object.fromEntries(AUDITED.map((k) => [k, d[k]])) as Record<(typeof AUDITED)[number], unknown>;

export async function createCost(deps: CostDeps, ctx: WorkspaceContext, body: AcquisitionCostBody): Promise<AcquisitionCostDto> {
  await checkStore(deps, ctx, body.storeId);
  const now = deps.clock.now();
  const row: CostRow = {
    id: newId(),
    workspaceId: ctx.workspaceId,
    kind: body.kind,
    key: body.key,
    fromDay: body.from,
    toDay: body.to,
    amountMinor: body.amountMinor,
    storeId: body.storeId,
    note: body.note,
    createdAt: now,
    updatedAt: now,
  };
  return deps.db.transaction(async (tx) => {
    await tx.insert(costs).values(row);
    const dto = toDto(row);
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "analytics.cost_created",
      targetType: "acquisition_cost",
      targetId: row.id,
      summary: `Entered acquisition cost ${row.kind} ${row.key} ${row.fromDay}…${row.toDay}`,
      after: audited(dto),
    });
    return dto;
  });
}

export async function replaceCost(deps: CostDeps, ctx: WorkspaceContext, costId: string, body: AcquisitionCostBody): Promise<AcquisitionCostDto> {
  await checkStore(deps, ctx, body.storeId);
  return deps.db.transaction(async (tx) => {
    const before = toDto(await getRow(tx, ctx, costId));
    const updatedAt = deps.clock.now();
    await tx
      .update(costs)
      .set({ kind: body.kind, key: body.key, fromDay: body.from, toDay: body.to, amountMinor: body.amountMinor, storeId: body.storeId, note: body.note, updatedAt })
      .where(and(eq(costs.workspaceId, ctx.workspaceId), eq(costs.id, before.id)));
    const after: AcquisitionCostDto = { ...before, ...body, updatedAt: updatedAt.toISOString() };
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "analytics.cost_updated",
      targetType: "acquisition_cost",
      targetId: before.id,
      summary: `Changed acquisition cost ${after.kind} ${after.key}`,
      ...diffFields(audited(before), audited(after), AUDITED),
    });
    return after;
  });
}

export async function deleteCost(deps: CostDeps, ctx: WorkspaceContext, costId: string): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const before = toDto(await getRow(tx, ctx, costId));
    await tx.delete(costs).where(and(eq(costs.workspaceId, ctx.workspaceId), eq(costs.id, before.id)));
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "analytics.cost_deleted",
      targetType: "acquisition_cost",
      targetId: before.id,
      summary: `Deleted acquisition cost ${before.kind} ${before.key} ${before.from}…${before.to}`,
      before: audited(before),
    });
  });
}

export interface CostShare {
  kind: CostKind;
  key: string;
  /** Whole minor units: the share of each entry's amount that falls on the days asked for. */
  amountMinor: number;
}

/**
 * Spreads each cost evenly over its days, in whole minor units, and keeps the days in [from, to].
 * Day i of an N-day cost of A gets ⌊A·(i+1)/N⌋ − ⌊A·i/N⌋: 3,000 over 30 days puts 100 on each
 * day, 100 over 3 days puts 33, 33, 34. Shares of adjacent ranges add up exactly, so the daily
 * sparkline sums to the period's total and no cent appears or vanishes at a period edge.
 */
export function allocateCosts(rows: readonly AcquisitionCostDto[], from: string, to: string): CostShare[] {
  const out = new Map<string, CostShare>();
  for (const r of rows) {
    const first = dayCount(r.from, from > r.from ? from : r.from) - 1;
    const last = dayCount(r.from, to < r.to ? to : r.to);
    if (last <= first) continue;
    const days = dayCount(r.from, r.to);
    const upTo = (d: number) => Math.floor((r.amountMinor * d) / days);
    const share = upTo(last) - upTo(first);
    const key = `${r.kind}\u0000${r.key}`;
    const prev = out.get(key);
    if (prev) prev.amountMinor += share;
    else out.set(key, { kind: r.kind, key: r.key, amountMinor: share });
  }
  return [...out.values()];
}
