import { eq, sql } from "@siyu/storage/orm";
import type { Db, Warehouse } from "@siyu/storage";
import {
  LIFECYCLE_STAGES,
  RFM_LAYERS,
  type ScoresSettingsDto,
  VALUE_TIERS,
  type CustomerScoresDto,
  type LifecycleOverviewDto,
  type RfmOverviewDto,
  type ScoresRunDto,
  type UpdateScoresSettingsBody,
  type ValuePyramidDto,
} from "@siyu/contracts";
import { appendAuditEntry } from "../audit";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { newId } from "../shared/ids";
import { refreshProfileSnapshot } from "../warehouse";
import { workspaces, workspaceTimeZone } from "../workspaces";
import { groupScores, latestRuns, readProfileScores, replaceProfileScores, type TransitionCount } from "./scores.repository";
import { scoresErrors } from "./scores.errors";
import { scoresRuns } from "./scores.schema";
import { isDailyRunDue, loadScoresSettings, scoresSettingsStore } from "./scores.settings";
import { computeWarehouseScores } from "./scores.warehouse";

interface Deps {
  db: Db;
  warehouse?: Warehouse;
  clock: Clock;
}

export interface RecomputeInput {
  trigger: "manual" | "schedule";
  /** Score as of this instant (tests); the clock's now by default. */
  now?: Date;
}

export function createScoresService(deps: Deps) {
  // One run per workspace at a time in this process (the PostgreSQL lock covers other processes).
  const running = new Map<string, Promise<ScoresRunDto>>();
  const recompute = (workspaceId: string, input: RecomputeInput, ctx?: WorkspaceContext) => {
    const previous = running.get(workspaceId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => recomputeScores(deps, workspaceId, input, ctx));
    running.set(workspaceId, next);
    void next.finally(() => running.get(workspaceId) === next && running.delete(workspaceId)).catch(() => undefined);
    return next;
  };
  return {
    settings: (workspaceId: string) => loadScoresSettings(deps.db, workspaceId),
    updateSettings: (ctx: WorkspaceContext, input: UpdateScoresSettingsBody) => updateSettings(deps, ctx, input),
    recompute: (ctx: WorkspaceContext, input: RecomputeInput = { trigger: "manual" }) => recompute(ctx.workspaceId, input, ctx),
    /** The daily schedule: recomputes every workspace whose local run hour has come today. */
    runDue: async (now = deps.clock.now()) => {
      const all = await deps.db.select({ id: workspaces.id, timezone: workspaces.timezone }).from(workspaces);
      const done: ScoresRunDto[] = [];
      const failures: unknown[] = [];
      for (const ws of all) {
        const settings = await loadScoresSettings(deps.db, ws.id);
        if (!settings.schedule.enabled) continue;
        const [last] = await latestRuns(deps.db, ws.id, undefined, 1);
        if (!isDailyRunDue(now, last?.computedAt ?? null, ws.timezone, settings.schedule.hour)) continue;
        // One workspace failing must not keep the others from their daily run.
        await recompute(ws.id, { trigger: "schedule", now }).then((run) => done.push(run), (error: unknown) => failures.push(error));
      }
      if (failures.length > 0) throw new AggregateError(failures, `Daily scores failed for ${failures.length} workspace(s)`);
      return done;
    },
    rfmOverview: (ctx: WorkspaceContext) => rfmOverview(deps, ctx.workspaceId),
    lifecycleOverview: (ctx: WorkspaceContext) => lifecycleOverview(deps, ctx.workspaceId),
    valuePyramid: (ctx: WorkspaceContext) => valuePyramid(deps, ctx.workspaceId),
    /** A live profile's scores (the caller resolves merged ids); all null before the first run. */
    customerScores: (ctx: WorkspaceContext, profileId: string) => customerScores(deps.db, ctx.workspaceId, profileId),
    lastRun: async (ctx: WorkspaceContext) => {
      const [run] = await latestRuns(deps.db, ctx.workspaceId, undefined, 1);
      return run ? toRunDto(run) : null;
    },
  };
}
export type ScoresService = ReturnType<typeof createScoresService>;

/** PUT: the whole settings object, sections left out taking their defaults. */
const updateSettings = (deps: Deps, ctx: WorkspaceContext, input: UpdateScoresSettingsBody): Promise<ScoresSettingsDto> =>
  scoresSettingsStore.replace(deps.db, deps.clock, ctx, input);

async function recomputeScores(deps: Deps, workspaceId: string, input: RecomputeInput, ctx?: WorkspaceContext): Promise<ScoresRunDto> {
  const warehouse = deps.warehouse;
  if (!warehouse) throw scoresErrors.error("scores.warehouse_unavailable", "Scores are computed in the warehouse, which this server runs without.");
  const started = Date.now();
  const now = input.now ?? deps.clock.now();
  const timeZone = await workspaceTimeZone(deps.db, workspaceId);
  const settings = await loadScoresSettings(deps.db, workspaceId);
  await refreshProfileSnapshot({ db: deps.db, warehouse, workspaceId });
  const rows = await computeWarehouseScores(warehouse, { workspaceId, now, timeZone, settings });

  const count = (pick: (r: (typeof rows)[number]) => string | null) => {
    const out: Record<string, number> = {};
    for (const r of rows) {
      const key = pick(r);
      if (key !== null) out[key] = (out[key] ?? 0) + 1;
    }
    return out;
  };
  const id = newId();
  return deps.db.transaction(async (tx) => {
    const change = await replaceProfileScores(tx, workspaceId, now, rows);
    const summary = {
      profiles: rows.length,
      scored: rows.filter((r) => r.cell !== null).length,
      cells: count((r) => r.cell),
      layers: count((r) => r.layer),
      stages: count((r) => r.lifecycleStage),
      tiers: count((r) => r.valueTier),
      transitions: {
        lifecycle: change.lifecycle.reduce((n, t) => n + t.count, 0),
        rfm: change.rfm,
        valueTier: change.valueTier,
      },
      lifecycleTransitions: change.lifecycle,
      baseline: !change.emitted,
    };
    const durationMs = Date.now() - started;
    await tx.insert(scoresRuns).values({ id, workspaceId, trigger: input.trigger, computedAt: now, durationMs, summary });
    if (ctx && input.trigger === "manual") {
      await appendAuditEntry(tx, deps.clock, ctx, {
        action: "scores.recomputed",
        targetType: "scores_run",
        targetId: id,
        summary: `Recomputed RFM, lifecycle and value tiers of ${rows.length} customers`,
      });
    }
    return toRunDto({ id, trigger: input.trigger, computedAt: now, durationMs, summary });
  });
}

interface RunSummary {
  profiles: number;
  scored: number;
  cells: Record<string, number>;
  layers: Record<string, number>;
  stages: Record<string, number>;
  tiers: Record<string, number>;
  transitions: { lifecycle: number; rfm: number; valueTier: number };
  lifecycleTransitions: TransitionCount[];
  baseline: boolean;
}

function toRunDto(run: { id: string; trigger: string; computedAt: Date; durationMs: number; summary: Record<string, unknown> }): ScoresRunDto {
  const s = run.summary as unknown as RunSummary;
  return {
    id: run.id,
    trigger: run.trigger === "schedule" ? "schedule" : "manual",
    computedAt: run.computedAt.toISOString(),
    durationMs: run.durationMs,
    profiles: s.profiles,
    scored: s.scored,
    cells: s.cells,
    layers: s.layers,
    stages: s.stages,
    tiers: s.tiers,
    transitions: s.transitions,
    baseline: s.baseline,
  };
}

const share = (n: number, total: number) => (total === 0 ? 0 : Math.round((n / total) * 10_000) / 10_000);

async function computedAtOf(db: Db, workspaceId: string): Promise<string | null> {
  const [run] = await latestRuns(db, workspaceId, undefined, 1);
  return run ? run.computedAt.toISOString() : null;
}

async function rfmOverview(deps: Deps, workspaceId: string): Promise<RfmOverviewDto> {
  const settings = await loadScoresSettings(deps.db, workspaceId);
  const heat = await groupScores<{ r: number; f: number; n: string | number; avg: number | string | null }>(
    deps.db,
    workspaceId,
    sql`rfm_r as r, rfm_f as f, count(*) as n, avg(monetary) as avg`,
    sql`rfm_r, rfm_f having rfm_r is not null`,
  );
  const cells = await groupScores<{ cell: string; n: string | number; avg: number | string | null }>(
    deps.db,
    workspaceId,
    sql`rfm_cell as cell, count(*) as n, avg(monetary) as avg`,
    sql`rfm_cell having rfm_cell is not null`,
  );
  const scored = cells.reduce((n, c) => n + Number(c.n), 0);
  const byLayer = new Map<string, number>();
  const cellRows = cells
    .map((c) => {
      const cell = c.cell as RfmOverviewDto["cells"][number]["cell"];
      const layer = settings.rfm.layerMap[cell];
      byLayer.set(layer, (byLayer.get(layer) ?? 0) + Number(c.n));
      return { cell, layer, customers: Number(c.n), share: share(Number(c.n), scored), monetaryAvg: round2(Number(c.avg ?? 0)) };
    })
    .sort((a, b) => b.customers - a.customers);
  return {
    computedAt: await computedAtOf(deps.db, workspaceId),
    method: settings.rfm.method,
    windowDays: settings.rfm.windowDays,
    scored,
    heatmap: heat
      .map((h) => ({ r: Number(h.r), f: Number(h.f), customers: Number(h.n), monetaryAvg: round2(Number(h.avg ?? 0)) }))
      .sort((a, b) => a.r - b.r || a.f - b.f),
    cells: cellRows,
    layers: RFM_LAYERS.map((layer) => ({ layer, customers: byLayer.get(layer) ?? 0, share: share(byLayer.get(layer) ?? 0, scored) })),
  };
}

async function lifecycleOverview(deps: Deps, workspaceId: string): Promise<LifecycleOverviewDto> {
  const stages = await groupScores<{ stage: string | null; n: string | number }>(deps.db, workspaceId, sql`lifecycle_stage as stage, count(*) as n`, sql`lifecycle_stage`);
  const total = stages.reduce((n, s) => n + Number(s.n), 0);
  const since = new Date(deps.clock.now().getTime() - 30 * 86_400_000);
  const runs = await latestRuns(deps.db, workspaceId, since);
  const transitions = new Map<string, TransitionCount>();
  for (const run of runs) {
    for (const t of (run.summary as unknown as RunSummary).lifecycleTransitions ?? []) {
      if ((run.summary as unknown as RunSummary).baseline) continue;
      const key = `${t.from}>${t.to}`;
      const entry = transitions.get(key) ?? { from: t.from, to: t.to, count: 0 };
      entry.count += t.count;
      transitions.set(key, entry);
    }
  }
  return {
    computedAt: runs[0]?.computedAt.toISOString() ?? (await computedAtOf(deps.db, workspaceId)),
    stages: LIFECYCLE_STAGES.map((stage) => {
      const n = Number(stages.find((s) => s.stage === stage)?.n ?? 0);
      return { stage, customers: n, share: share(n, total) };
    }),
    recentTransitions: [...transitions.values()]
      .sort((a, b) => b.count - a.count)
      .map((t) => ({ from: t.from as never, to: t.to as never, count: t.count })),
    runs: runs.map((r) => ({ computedAt: r.computedAt.toISOString(), transitions: (r.summary as unknown as RunSummary).transitions?.lifecycle ?? 0 })),
  };
}

async function valuePyramid(deps: Deps, workspaceId: string): Promise<ValuePyramidDto> {
  const settings = await loadScoresSettings(deps.db, workspaceId);
  const [workspace] = await deps.db.select({ currency: workspaces.currency }).from(workspaces).where(eq(workspaces.id, workspaceId));
  const tiers = await groupScores<{ tier: string; n: string | number; spend: string | number | null }>(
    deps.db,
    workspaceId,
    sql`value_tier as tier, count(*) as n, sum(spend_minor) as spend`,
    sql`value_tier`,
  );
  const total = tiers.reduce((n, t) => n + Number(t.n), 0);
  return {
    computedAt: await computedAtOf(deps.db, workspaceId),
    basis: settings.valuePyramid.basis,
    currency: workspace?.currency ?? "CNY",
    tiers: VALUE_TIERS.map((tier) => {
      const row = tiers.find((t) => t.tier === tier);
      const n = Number(row?.n ?? 0);
      return { tier, customers: n, share: share(n, total), spendMinor: Number(row?.spend ?? 0) };
    }),
  };
}

async function customerScores(db: Db, workspaceId: string, profileId: string): Promise<CustomerScoresDto> {
  const row = await readProfileScores(db, workspaceId, profileId);
  return {
    profileId,
    computedAt: row?.computedAt.toISOString() ?? null,
    r: row?.rfmR ?? null,
    f: row?.rfmF ?? null,
    m: row?.rfmM ?? null,
    recencyDays: row?.recencyDays ?? null,
    frequency: row?.frequency ?? null,
    monetary: row?.monetary ?? null,
    cell: (row?.rfmCell ?? null) as CustomerScoresDto["cell"],
    layer: (row?.rfmLayer ?? null) as CustomerScoresDto["layer"],
    lifecycleStage: (row?.lifecycleStage ?? null) as CustomerScoresDto["lifecycleStage"],
    valueTier: (row?.valueTier ?? null) as CustomerScoresDto["valueTier"],
  };
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
