import { eq, isNull, lte, or } from "@siyu/storage/orm";
import { refreshProfileSnapshot } from "../warehouse";
import type { Db, Warehouse } from "@siyu/storage";
import type { ClvModelDto, CustomerClvDto, UpdateClvSettingsBody } from "@siyu/contracts";
import { appendAuditEntry } from "../audit";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { workspaces } from "../workspaces";
import { refreshWorkspaceClv } from "./clv-refresh";
import { countProfileClv, readProfileClv } from "./clv.repository";
import { clvErrors } from "./clv.errors";
import { clvModels } from "./clv.schema";
import { clvSettingsStore, type ClvSettings } from "./clv.settings";

export interface ClvDeps {
  db: Db;
  /** The event warehouse; every use case but the settings needs it. */
  warehouse?: Warehouse;
  clock: Clock;
  /** A merged profile's id → the live profile that absorbed it (profiles.resolveId). */
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
  /**
   * Brings the warehouse's copy of the workspace's profiles up to date before a fit, so orders
   * count for the profile they belong to now. Defaults to refreshProfileSnapshot; null skips it.
   */
  refreshSnapshot?: ((workspaceId: string) => Promise<unknown>) | null;
}

export function createClvService(deps: ClvDeps) {
  // One refit per workspace at a time in this process: two would race on the same rows.
  const running = new Map<string, Promise<ClvModelDto>>();
  const refit = (workspaceId: string): Promise<ClvModelDto> => {
    const current = running.get(workspaceId);
    if (current) return current;
    const next = refitWorkspace(deps, workspaceId).finally(() => running.delete(workspaceId));
    running.set(workspaceId, next);
    return next;
  };
  return {
    settings: (workspaceId: string) => loadSettings(deps.db, workspaceId),
    updateSettings: (ctx: WorkspaceContext, input: UpdateClvSettingsBody) => updateSettings(deps, ctx, input),
    model: (ctx: WorkspaceContext) => readModel(deps, ctx.workspaceId),
    /** Fits the workspace now and replaces its predictions. */
    refit: async (ctx: WorkspaceContext) => {
      const model = await refit(ctx.workspaceId);
      await appendAuditEntry(deps.db, deps.clock, ctx, {
        action: "clv.refit",
        targetType: "clv_model",
        targetId: ctx.workspaceId,
        summary: `Refitted the CLV model: ${model.status}`,
        after: { status: model.status, customers: model.customers, repeatCustomers: model.repeatCustomers, scoredProfiles: model.scoredProfiles },
      });
      return model;
    },
    /**
     * The daily job: refits every workspace whose last fit is older than `olderThanMs` (all of them
     * without it), one after another; one workspace's failure does not stop the rest. Run hourly
     * with a day's age, it refits each workspace once a day however often the process restarts.
     */
    refitAll: async (options: { olderThanMs?: number } = {}): Promise<{ workspaceId: string; status: string }[]> => {
      const cutoff = new Date(deps.clock.now().getTime() - (options.olderThanMs ?? 0));
      const ids = await deps.db
        .select({ id: workspaces.id })
        .from(workspaces)
        .leftJoin(clvModels, eq(clvModels.workspaceId, workspaces.id))
        .where(options.olderThanMs === undefined ? undefined : or(isNull(clvModels.fittedAt), lte(clvModels.fittedAt, cutoff)));
      const out: { workspaceId: string; status: string }[] = [];
      for (const { id } of ids) {
        try {
          out.push({ workspaceId: id, status: (await refit(id)).status });
        } catch (error) {
          out.push({ workspaceId: id, status: `error: ${(error as Error).message}` });
        }
      }
      return out;
    },
    customerClv: (ctx: WorkspaceContext, profileId: string) => customerClv(deps, ctx, profileId),
  };
}
export type ClvService = ReturnType<typeof createClvService>;

function requireWarehouse(deps: ClvDeps): Warehouse {
  if (!deps.warehouse) throw clvErrors.error("clv.warehouse_unavailable", "CLV needs the event warehouse, which this process did not open.");
  return deps.warehouse;
}

const loadSettings = (db: Db, workspaceId: string): Promise<ClvSettings> => clvSettingsStore.load(db, workspaceId);

const updateSettings = (deps: ClvDeps, ctx: WorkspaceContext, input: UpdateClvSettingsBody): Promise<ClvSettings> =>
  clvSettingsStore.update(deps.db, deps.clock, ctx, input);

async function workspaceOf(db: Db, workspaceId: string) {
  const [row] = await db.select({ timezone: workspaces.timezone, currency: workspaces.currency }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return row ?? { timezone: "Asia/Shanghai", currency: "CNY" };
}

async function refitWorkspace(deps: ClvDeps, workspaceId: string): Promise<ClvModelDto> {
  const warehouse = requireWarehouse(deps);
  const settings = await loadSettings(deps.db, workspaceId);
  const { timezone } = await workspaceOf(deps.db, workspaceId);
  const now = deps.clock.now();
  if (deps.refreshSnapshot) await deps.refreshSnapshot(workspaceId);
  else if (deps.refreshSnapshot !== null) await refreshProfileSnapshot({ db: deps.db, warehouse, workspaceId });
  const result = await refreshWorkspaceClv({ warehouse, workspaceId, now, settings, timeZone: timezone });
  const bg = result.fit?.bgNbd;
  const gg = result.fit?.gammaGamma;
  const row = {
    workspaceId,
    status: result.status,
    message: result.message,
    unit: settings.unit,
    bgNbd: bg ? { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b, logLikelihood: bg.logLikelihood, standardErrors: bg.standardErrors ?? null } : null,
    gammaGamma: gg ? { p: gg.p, q: gg.q, gamma: gg.gamma, logLikelihood: gg.logLikelihood, standardErrors: gg.standardErrors ?? null } : null,
    customers: result.status === "fitted" ? result.fit.customers : result.customers,
    repeatCustomers: result.status === "fitted" ? result.fit.repeatCustomers : result.repeatCustomers,
    scoredProfiles: result.status === "fitted" ? result.scoredProfiles : 0,
    calibrationEnd: result.calibrationEnd,
    fittedAt: now,
  };
  await deps.db.insert(clvModels).values(row).onConflictDoUpdate({ target: clvModels.workspaceId, set: row });
  return readModel(deps, workspaceId);
}

async function readModel(deps: ClvDeps, workspaceId: string): Promise<ClvModelDto> {
  const settings = await loadSettings(deps.db, workspaceId);
  const [row] = await deps.db.select().from(clvModels).where(eq(clvModels.workspaceId, workspaceId));
  if (!row) {
    return { workspaceId, status: "not_fitted", message: null, unit: null, bgNbd: null, gammaGamma: null, customers: 0, repeatCustomers: 0, scoredProfiles: 0, calibrationEnd: null, fittedAt: null, settings };
  }
  const bg = row.bgNbd as { r: number; alpha: number; a: number; b: number; logLikelihood: number } | null;
  const gg = row.gammaGamma as { p: number; q: number; gamma: number; logLikelihood: number } | null;
  return {
    workspaceId,
    status: row.status as ClvModelDto["status"],
    message: row.message,
    unit: row.unit as ClvModelDto["unit"],
    bgNbd: bg ? { r: bg.r, alpha: bg.alpha, a: bg.a, b: bg.b, logLikelihood: bg.logLikelihood } : null,
    gammaGamma: gg ? { p: gg.p, q: gg.q, gamma: gg.gamma, logLikelihood: gg.logLikelihood } : null,
    customers: row.customers,
    repeatCustomers: row.repeatCustomers,
    scoredProfiles: deps.warehouse ? await countProfileClv(deps.warehouse, workspaceId) : row.scoredProfiles,
    calibrationEnd: row.calibrationEnd,
    fittedAt: row.fittedAt.toISOString(),
    settings,
  };
}

async function customerClv(deps: ClvDeps, ctx: WorkspaceContext, profileId: string): Promise<CustomerClvDto> {
  const warehouse = requireWarehouse(deps);
  const id = await deps.resolveProfileId(ctx, profileId);
  const [model] = await deps.db.select({ status: clvModels.status }).from(clvModels).where(eq(clvModels.workspaceId, ctx.workspaceId));
  const { currency } = await workspaceOf(deps.db, ctx.workspaceId);
  const row = await readProfileClv(warehouse, ctx.workspaceId, id);
  const [p90, p180, p365] = row?.expectedPurchases ?? [0, 0, 0];
  return {
    profileId: id,
    modelStatus: (model?.status ?? "not_fitted") as CustomerClvDto["modelStatus"],
    currency,
    prediction: row
      ? {
          pAlive: row.pAlive,
          expectedPurchases: { d90: p90, d180: p180, d365: p365 },
          expectedOrderValue: row.expectedOrderValue,
          expectedValue: row.expectedValue ? { d90: row.expectedValue[0], d180: row.expectedValue[1], d365: row.expectedValue[2] } : null,
          nextPurchaseFrom: row.nextPurchaseFrom?.toISOString() ?? null,
          nextPurchaseTo: row.nextPurchaseTo?.toISOString() ?? null,
          computedAt: row.computedAt.toISOString(),
        }
      : null,
  };
}
