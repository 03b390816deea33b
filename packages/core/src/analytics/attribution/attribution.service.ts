import type { AttributionModel, AttributionQuery, AttributionReportDto, AttributionRowDto } from "@siyu/contracts";
import type { Db, Warehouse } from "@siyu/storage";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { endOfLocalDay, startOfLocalDay } from "../../shared/local-time";
import { snapshotRefresher } from "../../warehouse";
import { workspaceTimeZone } from "../../workspaces";
import { firstTouch, lastTouch, linear, markov, shapley, type Credits } from "./attribution-models";
import { attributionErrors } from "./attribution.errors";
import { readJourneys } from "./attribution.warehouse";

export interface AttributionDeps {
  db: Db;
  warehouse?: Warehouse;
  clock: Clock;
  /** Replaces the profile snapshot refresh before a report (tests); null skips it. */
  refreshSnapshot?: ((workspaceId: string) => Promise<unknown>) | null;
  /** A report reuses a profile snapshot up to this old. */
  snapshotMaxAgeMs?: number;
}

const NONE = { conversions: 0, value: 0 };

export function createAttributionService(deps: AttributionDeps) {
  const warehouse = deps.warehouse;
  const snapshot = warehouse ? snapshotRefresher({ db: deps.db, warehouse, clock: deps.clock, refresh: deps.refreshSnapshot }) : null;
  return {
    /** Conversions of a period credited to channels (campaigns, sources, touchpoints) by six models side by side. */
    async report(ctx: WorkspaceContext, query: AttributionQuery): Promise<AttributionReportDto> {
      if (!warehouse || !snapshot) throw attributionErrors.error("attribution.warehouse_unavailable", "Attribution is computed in the warehouse, which this server runs without.");
      const started = performance.now();
      const timeZone = await workspaceTimeZone(deps.db, ctx.workspaceId);
      await snapshot(ctx.workspaceId, deps.snapshotMaxAgeMs ?? 60_000);
      const data = await readJourneys(warehouse, {
        workspaceId: ctx.workspaceId,
        from: startOfLocalDay(query.from, timeZone),
        to: endOfLocalDay(query.to, timeZone),
        conversionEvent: query.conversionEvent,
        dimension: query.dimension,
        touchpointEvents: query.touchpointEvents,
        lookbackDays: query.lookbackDays,
        halfLifeDays: query.halfLifeDays,
        storeId: query.storeId ?? null,
      });
      const { journeys } = data;
      const shapleyResult = shapley(journeys, query.shapley);
      const markovResult = markov(journeys);
      const models: Record<AttributionModel, Credits> = {
        firstTouch: firstTouch(journeys),
        lastTouch: lastTouch(journeys),
        linear: linear(journeys),
        timeDecay: data.timeDecay,
        shapley: shapleyResult.credits,
        markov: markovResult.credits,
      };
      const keys = new Set<string>();
      for (const credits of Object.values(models)) for (const key of credits.keys()) keys.add(key);
      const rows: AttributionRowDto[] = [...keys].map((key) => ({
        key,
        touches: data.touches.get(key) ?? 0,
        firstTouch: models.firstTouch.get(key) ?? NONE,
        lastTouch: models.lastTouch.get(key) ?? NONE,
        linear: models.linear.get(key) ?? NONE,
        timeDecay: models.timeDecay.get(key) ?? NONE,
        shapley: models.shapley.get(key) ?? NONE,
        markov: { ...(models.markov.get(key) ?? NONE), removalEffect: markovResult.removalEffects.get(key) ?? 0 },
      }));
      rows.sort((a, b) => b.linear.conversions - a.linear.conversions || a.key.localeCompare(b.key));
      const converted = journeys.filter((j) => j.conversions > 0);
      return {
        query: {
          from: query.from,
          to: query.to,
          conversionEvent: query.conversionEvent,
          dimension: query.dimension,
          lookbackDays: query.lookbackDays,
          halfLifeDays: query.halfLifeDays,
          storeId: query.storeId ?? null,
          timeZone,
        },
        totals: {
          conversions: data.conversions,
          value: data.value,
          attributedConversions: converted.reduce((a, j) => a + j.conversions, 0),
          attributedValue: converted.reduce((a, j) => a + j.value, 0),
          journeys: journeys.reduce((a, j) => a + j.count, 0),
          convertedJourneys: converted.reduce((a, j) => a + j.conversions, 0),
        },
        rows,
        shapley: {
          method: shapleyResult.method,
          permutations: shapleyResult.permutations,
          errorBound: shapleyResult.errorBound,
          confidence: shapleyResult.confidence,
          conversionRate: shapleyResult.conversionRate,
        },
        markov: { conversionProbability: markovResult.conversionProbability },
        computedMs: Math.round(performance.now() - started),
      };
    },
  };
}

export type AttributionService = ReturnType<typeof createAttributionService>;
