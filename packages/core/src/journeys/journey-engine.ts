// The executor: starts runs and advances each node by node inside the caller's transaction until it
// must wait or ends. Every effect carries a key derived from (run, node[, step]) and the run's row is
// locked while it moves, so a crash rolls the whole step back and a replay repeats nothing.
import { and, eq, inArray, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { JourneyGraph, JourneySettings, type JourneyNode } from "@siyu/contracts";
import { queueMessages } from "../messaging";
import { DomainError } from "../shared/domain-error";
import { newId } from "../shared/ids";
import { startOfLocalDay, localDay } from "../shared/local-time";
import { rows } from "../shared/sql-rows";
import { workspaceTimeZone } from "../workspaces";
import { edgeTarget } from "./graph-validation";
import type { JourneyEffects } from "./journey-effects";
import { filtersMatch, inHoldout, nextLocalTime, splitBranch } from "./journey-rules";
import { journeyRuns, journeys, journeySteps, journeyStoreTasks, journeyVersions } from "./journeys.schema";

export interface JourneyEntry {
  workspaceId: string;
  journeyId: string;
  profileId: string;
  /** Unique per journey: the same key enters once (e.g. `event:<seq>`, `api:<idempotencyKey>`). */
  entryKey: string;
  trigger: { kind: string; event?: string | null; properties?: Record<string, unknown>; seq?: number | null; triggeredAt: Date };
}

export interface StartRunsResult {
  /** The runs created (holdout ones included). */
  started: string[];
  /** Entries refused: not live, outside the audience, the entry rule, or a key already used. */
  skipped: number;
}

type RunRow = typeof journeyRuns.$inferSelect;

export interface LoadedVersion {
  journeyId: string;
  workspaceId: string;
  name: string;
  version: number;
  graph: JourneyGraph;
  settings: JourneySettings;
  byId: Map<string, JourneyNode>;
  triggerId: string;
}

/** Published versions read once per batch (they never change). */
export class VersionCache {
  private versions = new Map<string, LoadedVersion | null>();
  private zones = new Map<string, string>();
  async get(tx: Db, journeyId: string, version: number): Promise<LoadedVersion | null> {
    const key = `${journeyId}:${version}`;
    if (!this.versions.has(key)) {
      const [row] = await tx
        .select({ graph: journeyVersions.graph, settings: journeyVersions.settings, workspaceId: journeyVersions.workspaceId, name: journeys.name })
        .from(journeyVersions)
        .innerJoin(journeys, eq(journeys.id, journeyVersions.journeyId))
        .where(and(eq(journeyVersions.journeyId, journeyId), eq(journeyVersions.version, version)));
      this.versions.set(key, row ? loadVersion(journeyId, version, row) : null);
    }
    return this.versions.get(key)!;
  }
  async timeZone(tx: Db, workspaceId: string): Promise<string> {
    let tz = this.zones.get(workspaceId);
    if (!tz) this.zones.set(workspaceId, (tz = await workspaceTimeZone(tx, workspaceId)));
    return tz;
  }
}

export function loadVersion(journeyId: string, version: number, row: { graph: unknown; settings: unknown; workspaceId: string; name: string }): LoadedVersion {
  const graph = JourneyGraph.parse(row.graph);
  const trigger = graph.nodes.find((n) => n.type === "trigger");
  return {
    journeyId,
    workspaceId: row.workspaceId,
    name: row.name,
    version,
    graph,
    settings: JourneySettings.parse(row.settings),
    byId: new Map(graph.nodes.map((n) => [n.id, n])),
    triggerId: trigger?.id ?? "",
  };
}

export interface EngineContext {
  effects: JourneyEffects;
  cache: VersionCache;
}

/**
 * Enters customers into journeys: the live version of a live journey, the audience rule, the entry
 * rule (once / every time but not while inside / after a cooldown), the holdout; then advances each
 * new run as far as it goes now. Idempotent per (journey, entryKey).
 */
export async function startRuns(tx: Db, now: Date, entries: readonly JourneyEntry[], engine: EngineContext): Promise<StartRunsResult> {
  const result: StartRunsResult = { started: [], skipped: 0 };
  if (entries.length === 0) return result;
  const journeyIds = [...new Set(entries.map((e) => e.journeyId))];
  const live = await tx
    .select({ id: journeys.id, workspaceId: journeys.workspaceId, status: journeys.status, liveVersion: journeys.liveVersion })
    .from(journeys)
    .where(inArray(journeys.id, journeyIds));
  const byJourney = new Map<string, JourneyEntry[]>();
  for (const e of entries) byJourney.set(e.journeyId, [...(byJourney.get(e.journeyId) ?? []), e]);
  for (const [journeyId, list] of byJourney) {
    const j = live.find((x) => x.id === journeyId);
    const mine = list.filter((e) => j && e.workspaceId === j.workspaceId);
    if (!j || j.status !== "live" || j.liveVersion === null || mine.length === 0) {
      result.skipped += list.length;
      continue;
    }
    result.skipped += list.length - mine.length;
    const v = await engine.cache.get(tx, journeyId, j.liveVersion);
    if (!v) {
      result.skipped += mine.length;
      continue;
    }
    const profileIds = [...new Set(mine.map((e) => e.profileId))];
    const audience = v.settings.audience ? await engine.effects.matchRule(tx, v.workspaceId, v.settings.audience, profileIds, now) : null;
    const history = new Map(
      (
        await rows<{ profile_id: string; active: boolean; last: string | Date }>(
          tx,
          sql`select profile_id, bool_or(status = 'active') as active, max(entered_at) as last from journey_runs
              where journey_id = ${journeyId}::uuid and profile_id = any(${`{${profileIds.join(",")}}`}::uuid[]) group by profile_id`,
        )
      ).map((r) => [r.profile_id, { active: r.active, last: new Date(r.last) }]),
    );
    for (const e of mine) {
      if (audience && !audience.has(e.profileId)) {
        result.skipped += 1;
        continue;
      }
      const h = history.get(e.profileId);
      const entry = v.settings.entry;
      const refused = h && (h.active || entry.mode === "once" || (entry.mode === "cooldown" && now.getTime() - h.last.getTime() < entry.hours * 3_600_000));
      if (refused) {
        result.skipped += 1;
        continue;
      }
      const holdout = inHoldout(journeyId, e.profileId, v.settings.holdoutPercent);
      const goalUntil = v.settings.goal ? new Date(now.getTime() + v.settings.goal.withinHours * 3_600_000) : null;
      const id = newId();
      const inserted = await tx
        .insert(journeyRuns)
        .values({
          id,
          workspaceId: e.workspaceId,
          journeyId,
          version: v.version,
          profileId: e.profileId,
          // A holdout run executes nothing but stays until its goal window closes, to count conversions.
          status: holdout && !goalUntil ? "completed" : "active",
          holdout,
          currentNodeId: holdout ? null : v.triggerId,
          entryKey: e.entryKey,
          enteredAt: now,
          endedAt: holdout && !goalUntil ? now : null,
          triggerKind: e.trigger.kind,
          triggerEvent: e.trigger.event ?? null,
          triggerProperties: e.trigger.properties ?? {},
          triggerSeq: e.trigger.seq ?? null,
          triggeredAt: e.trigger.triggeredAt,
          context: {},
          dueAt: holdout ? goalUntil : null,
          goalUntil,
          updatedAt: now,
        })
        .onConflictDoNothing()
        .returning();
      const run = inserted[0];
      if (!run) {
        result.skipped += 1;
        continue;
      }
      history.set(e.profileId, { active: run.status === "active", last: now });
      result.started.push(run.id);
      if (!holdout) await advanceRun(tx, now, run, null, engine);
    }
  }
  return result;
}

/** Locks a run for moving it; null when it is gone or no longer active. */
export async function lockRun(tx: Db, runId: string): Promise<RunRow | null> {
  const [run] = await tx.select().from(journeyRuns).where(eq(journeyRuns.id, runId)).for("update");
  return run && run.status === "active" ? run : null;
}

interface PendingStep {
  nodeId: string;
  outcome: string;
  detail: Record<string, unknown>;
}

/**
 * Moves a (locked, active) run: from its trigger when new (`resume` null), or out of the wait it is
 * in by `resume` ("next" when a wait ends, "event" / "timeout" for a wait-for-event). Runs nodes
 * until a wait or the end, then writes the run and its steps.
 */
export async function advanceRun(tx: Db, now: Date, run: RunRow, resume: string | null, engine: EngineContext): Promise<void> {
  const v = await engine.cache.get(tx, run.journeyId, run.version);
  const steps: PendingStep[] = [];
  let stepCount = run.stepCount;
  const context = { ...run.context };
  const finish = async (patch: Partial<RunRow>) => {
    if (steps.length) {
      await tx.insert(journeySteps).values(
        steps.map((s, i) => ({
          id: newId(),
          workspaceId: run.workspaceId,
          journeyId: run.journeyId,
          runId: run.id,
          stepNo: run.stepCount + i + 1,
          nodeId: s.nodeId,
          enteredAt: now,
          outcome: s.outcome,
          detail: s.detail,
        })),
      );
    }
    await tx
      .update(journeyRuns)
      .set({ stepCount, context, updatedAt: now, dueAt: null, waitEvent: null, waitWhere: null, ...patch })
      .where(eq(journeyRuns.id, run.id));
  };
  if (!v) return finish({ status: "failed", endedAt: now, error: "The journey version is gone." });
  const [profile] = await rows<{ merged_into: string | null }>(tx, sql`select merged_into from profiles where id = ${run.profileId}::uuid`);
  if (profile?.merged_into) return finish({ status: "exited", endedAt: now, error: "The customer was merged into another profile." });

  let nodeId: string | null = resume === null ? v.triggerId : run.currentNodeId ? edgeTarget(v.graph, run.currentNodeId, resume) : null;
  const step = (nodeId: string, outcome: string, detail: Record<string, unknown> = {}) => {
    stepCount += 1;
    steps.push({ nodeId, outcome, detail });
  };
  for (let guard = 0; guard < 500; guard++) {
    if (nodeId === null) return finish({ status: "completed", endedAt: now, currentNodeId: null });
    const node = v.byId.get(nodeId);
    if (!node) return finish({ status: "failed", endedAt: now, error: `Node ${nodeId} is not in version ${v.version}.` });
    switch (node.type) {
      case "trigger":
        step(node.id, "entered");
        nodeId = edgeTarget(v.graph, node.id, "next");
        break;
      case "exit":
        step(node.id, "exit");
        return finish({ status: "completed", endedAt: now, currentNodeId: node.id });
      case "wait": {
        const w = node.wait;
        const dueAt =
          w.kind === "duration"
            ? new Date(now.getTime() + w.minutes * 60_000)
            : w.kind === "until_time"
              ? nextLocalTime(now, w.at, w.weekdays, await engine.cache.timeZone(tx, run.workspaceId))
              : new Date(now.getTime() + w.timeoutMinutes * 60_000);
        step(node.id, "waiting", { until: dueAt.toISOString(), ...(w.kind === "until_event" ? { event: w.event } : {}) });
        return finish({
          currentNodeId: node.id,
          dueAt,
          waitEvent: w.kind === "until_event" ? w.event : null,
          waitWhere: w.kind === "until_event" ? w.where : null,
        });
      }
      case "condition": {
        const yes = await judge(tx, now, run, node, engine);
        step(node.id, yes ? "yes" : "no");
        nodeId = edgeTarget(v.graph, node.id, yes ? "yes" : "no");
        break;
      }
      case "split": {
        const key = splitBranch(run.journeyId, run.profileId, node.id, node.branches);
        step(node.id, `branch:${key}`);
        nodeId = edgeTarget(v.graph, node.id, key);
        break;
      }
      case "action": {
        // Repeated visits (a loop through a wait) are new effects: their key carries the step number.
        const visits = await visitsBefore(tx, run.id, node.id, steps);
        const key = visits === 0 ? `journey:${run.id}:${node.id}` : `journey:${run.id}:${node.id}:${stepCount + 1}`;
        const { outcome, detail } = await act(tx, now, run, v, node, key, context, steps, engine);
        step(node.id, outcome, detail);
        nodeId = edgeTarget(v.graph, node.id, "next");
        break;
      }
    }
  }
  return finish({ status: "failed", endedAt: now, error: "The run took more than 500 steps at once." });
}

async function visitsBefore(tx: Db, runId: string, nodeId: string, pending: PendingStep[]): Promise<number> {
  const [r] = await rows<{ n: number }>(tx, sql`select count(*)::int as n from journey_steps where run_id = ${runId}::uuid and node_id = ${nodeId}`);
  return (r?.n ?? 0) + pending.filter((s) => s.nodeId === nodeId).length;
}

async function judge(tx: Db, now: Date, run: RunRow, node: Extract<JourneyNode, { type: "condition" }>, engine: EngineContext): Promise<boolean> {
  const c = node.condition;
  switch (c.kind) {
    case "rule":
      return (await engine.effects.matchRule(tx, run.workspaceId, c.rule, [run.profileId], now)).has(run.profileId);
    case "coupon_held":
      return engine.effects.couponHeld(tx, { workspaceId: run.workspaceId, profileId: run.profileId, templateId: c.templateId, now });
    case "trigger_event":
      return filtersMatch(run.triggerProperties, c.where);
  }
}

function templateVariables(run: RunRow, v: LoadedVersion, context: Record<string, unknown>) {
  return {
    event: { name: run.triggerEvent, properties: run.triggerProperties, at: run.triggeredAt.toISOString() },
    coupon: context.coupon ?? null,
    journey: { id: v.journeyId, name: v.name, dryRun: v.settings.dryRun },
  };
}

async function act(
  tx: Db,
  now: Date,
  run: RunRow,
  v: LoadedVersion,
  node: Extract<JourneyNode, { type: "action" }>,
  key: string,
  context: Record<string, unknown>,
  pending: PendingStep[],
  engine: EngineContext,
): Promise<{ outcome: string; detail: Record<string, unknown> }> {
  const a = node.action;
  const dryRun = v.settings.dryRun;
  const source = { kind: "journey" as const, journeyId: v.journeyId, journeyVersion: v.version, nodeId: node.id, runId: run.id };
  try {
    switch (a.kind) {
      case "send": {
        if (v.settings.dailySendLimit !== null && (await sentToday(tx, now, v, pending, engine)) >= v.settings.dailySendLimit) {
          return { outcome: "journey_limit", detail: { limit: v.settings.dailySendLimit } };
        }
        await queueMessages(tx, now, [
          {
            workspaceId: run.workspaceId,
            idempotencyKey: key,
            profileId: run.profileId,
            channel: a.channel,
            category: a.category,
            templateId: a.templateId,
            variables: templateVariables(run, v, context),
            source,
          },
        ]);
        return { outcome: "queued", detail: { idempotencyKey: key, channel: a.channel, dryRun } };
      }
      case "webhook":
        await queueMessages(tx, now, [
          {
            workspaceId: run.workspaceId,
            idempotencyKey: key,
            profileId: run.profileId,
            channel: "webhook",
            category: "service",
            purpose: "service",
            templateId: null,
            address: a.url,
            variables: { ...templateVariables(run, v, context), profileId: run.profileId },
            source,
          },
        ]);
        return { outcome: "queued", detail: { idempotencyKey: key, channel: "webhook", dryRun } };
      case "issue_coupon": {
        if (dryRun) {
          context.coupon = { code: "DRYRUN", name: "", dryRun: true, expiresAt: null };
          return { outcome: "dry_run", detail: { templateId: a.templateId } };
        }
        const coupon = await engine.effects.issueCoupon(tx, { workspaceId: run.workspaceId, templateId: a.templateId, profileId: run.profileId, issueKey: key });
        context.coupon = { code: coupon.code, name: coupon.name, kind: coupon.kind, amountMinor: coupon.amountMinor, percentOff: coupon.percentOff, expiresAt: coupon.expiresAt };
        return { outcome: "issued", detail: { issueKey: key, couponId: coupon.couponId, templateId: a.templateId } };
      }
      case "award_points":
        if (dryRun) return { outcome: "dry_run", detail: { points: a.points } };
        await engine.effects.awardPoints(tx, { workspaceId: run.workspaceId, profileId: run.profileId, points: a.points, reason: a.reason, idempotencyKey: key, now });
        return { outcome: "awarded", detail: { points: a.points, idempotencyKey: key } };
      case "add_tag":
      case "remove_tag":
        if (dryRun) return { outcome: "dry_run", detail: { tagId: a.tagId } };
        await engine.effects.changeTag(tx, { workspaceId: run.workspaceId, profileId: run.profileId, tagId: a.tagId, add: a.kind === "add_tag" });
        return { outcome: a.kind === "add_tag" ? "tagged" : "untagged", detail: { tagId: a.tagId } };
      case "store_task": {
        if (dryRun) return { outcome: "dry_run", detail: { title: a.title } };
        const [p] = await rows<{ store_id: string | null }>(tx, sql`select traits->>'registration_store' as store_id from profiles where id = ${run.profileId}::uuid`);
        const storeId = a.storeId ?? p?.store_id ?? null;
        await tx
          .insert(journeyStoreTasks)
          .values({ id: newId(), workspaceId: run.workspaceId, journeyId: run.journeyId, runId: run.id, nodeId: node.id, taskKey: key, profileId: run.profileId, storeId, title: a.title, note: a.note, status: "open", createdAt: now })
          .onConflictDoNothing();
        return { outcome: "task", detail: { storeId } };
      }
    }
  } catch (error) {
    // A refused effect (out of stock, a deleted tag …) is recorded on its node; the run goes on.
    if (error instanceof DomainError) return { outcome: "failed", detail: { code: error.code, message: error.message } };
    throw error;
  }
}

/** Messages this journey queued today (workspace-local day); the journey row is locked so concurrent runs count in turn. */
async function sentToday(tx: Db, now: Date, v: LoadedVersion, pending: PendingStep[], engine: EngineContext): Promise<number> {
  await tx.select({ id: journeys.id }).from(journeys).where(eq(journeys.id, v.journeyId)).for("update");
  const from = startOfLocalDay(localDay(now, await engine.cache.timeZone(tx, v.workspaceId)), await engine.cache.timeZone(tx, v.workspaceId));
  const [r] = await rows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from journey_steps s where s.journey_id = ${v.journeyId}::uuid and s.outcome = 'queued' and s.entered_at >= ${from.toISOString()}::timestamptz
          and s.detail->>'channel' <> 'webhook'`,
  );
  const sendNodes = new Set(v.graph.nodes.filter((n) => n.type === "action" && n.action.kind === "send").map((n) => n.id));
  return (r?.n ?? 0) + pending.filter((s) => s.outcome === "queued" && sendNodes.has(s.nodeId)).length;
}
