// The executor: starts runs and advances them node by node inside the caller's transaction until each
// must wait or ends. A batch of runs is walked in memory and written set-based (one steps insert, one
// outbox insert, one run update). Every effect carries a key derived from (run, node[, step]) and the
// runs' rows are locked while they move, so a crash rolls the whole batch back and a replay repeats
// nothing.
import { and, eq, inArray, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { JourneyGraph, JourneySettings, type JourneyNode } from "@siyu/contracts";
import { queueMessages, type QueueMessageRequest } from "../messaging";
import { DomainError } from "../shared/domain-error";
import { newId } from "../shared/ids";
import { startOfLocalDay, localDay } from "../shared/local-time";
import { rows } from "../shared/sql-rows";
import { workspaceTimeZone } from "../workspaces";
import { edgeTarget } from "./graph-validation";
import type { JourneyEffects } from "./journey-effects";
import { filtersMatch, inHoldout, nextLocalTime, splitBranch } from "./journey-rules";
import { journeyRuns, journeys, journeyStoreTasks, journeyVersions } from "./journeys.schema";

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
 * rule (once / every time but not while inside / after a cooldown), the holdout; then advances the
 * new runs as far as they go now, together. Idempotent per (journey, entryKey).
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
  // The rows to insert, decided in memory in entry order as if each earlier one had been inserted.
  const candidates: RunRow[] = [];
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
    // Keys already used enter nothing (and must not count as an entry for the rules below).
    const usedKeys = new Set(
      (
        await rows<{ entry_key: string }>(
          tx,
          sql`select entry_key from journey_runs where journey_id = ${journeyId}::uuid
              and entry_key in (select jsonb_array_elements_text(${JSON.stringify([...new Set(mine.map((e) => e.entryKey))])}::jsonb))`,
        )
      ).map((r) => r.entry_key),
    );
    for (const e of mine) {
      if ((audience && !audience.has(e.profileId)) || usedKeys.has(e.entryKey)) {
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
      // A holdout run executes nothing but stays until its goal window closes, to count conversions.
      const status = holdout && !goalUntil ? "completed" : "active";
      candidates.push({
        id: newId(),
        workspaceId: e.workspaceId,
        journeyId,
        version: v.version,
        profileId: e.profileId,
        status,
        holdout,
        currentNodeId: holdout ? null : v.triggerId,
        stepCount: 0,
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
        waitEvent: null,
        waitWhere: null,
        goalUntil,
        goalReachedAt: null,
        goalRevenueMinor: null,
        error: null,
        updatedAt: now,
      });
      usedKeys.add(e.entryKey);
      history.set(e.profileId, { active: status === "active", last: now });
    }
  }
  // One insert (the rows as one JSON parameter); a row another transaction took first (its key, or an active run) is skipped.
  const inserted = new Set<string>();
  if (candidates.length > 0) {
    const values = candidates.map((r) => ({
      id: r.id,
      workspace_id: r.workspaceId,
      journey_id: r.journeyId,
      version: r.version,
      profile_id: r.profileId,
      status: r.status,
      holdout: r.holdout,
      current_node_id: r.currentNodeId,
      entry_key: r.entryKey,
      entered_at: r.enteredAt.toISOString(),
      ended_at: r.endedAt?.toISOString() ?? null,
      trigger_kind: r.triggerKind,
      trigger_event: r.triggerEvent,
      trigger_properties: r.triggerProperties,
      trigger_seq: r.triggerSeq,
      triggered_at: r.triggeredAt.toISOString(),
      due_at: r.dueAt?.toISOString() ?? null,
      goal_until: r.goalUntil?.toISOString() ?? null,
    }));
    const returned = await rows<{ id: string }>(
      tx,
      sql`insert into journey_runs (id, workspace_id, journey_id, version, profile_id, status, holdout, current_node_id, step_count, entry_key, entered_at, ended_at,
            trigger_kind, trigger_event, trigger_properties, trigger_seq, triggered_at, context, due_at, goal_until, updated_at)
          select id, workspace_id, journey_id, version, profile_id, status, holdout, current_node_id, 0, entry_key, entered_at, ended_at,
            trigger_kind, trigger_event, trigger_properties, trigger_seq, triggered_at, '{}'::jsonb, due_at, goal_until, ${now.toISOString()}::timestamptz
          from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(id uuid, workspace_id uuid, journey_id uuid, version int, profile_id uuid, status text, holdout boolean,
            current_node_id text, entry_key text, entered_at timestamptz, ended_at timestamptz, trigger_kind text, trigger_event text, trigger_properties jsonb, trigger_seq bigint,
            triggered_at timestamptz, due_at timestamptz, goal_until timestamptz)
          on conflict do nothing returning id`,
    );
    for (const r of returned) inserted.add(r.id);
  }
  const toMove: RunToMove[] = [];
  for (const run of candidates) {
    if (!inserted.has(run.id)) {
      result.skipped += 1;
      continue;
    }
    result.started.push(run.id);
    if (!run.holdout) toMove.push({ run, resume: null });
  }
  await advanceRuns(tx, now, toMove, engine);
  return result;
}

/** Locks a run for moving it; null when it is gone or no longer active. */
export async function lockRun(tx: Db, runId: string): Promise<RunRow | null> {
  const [run] = await tx.select().from(journeyRuns).where(eq(journeyRuns.id, runId)).for("update");
  return run && run.status === "active" ? run : null;
}

export type JourneyRunRow = RunRow;

/** A (locked, active) run to move: from its trigger when new (`resume` null), or out of its wait by `resume`. */
export interface RunToMove {
  run: RunRow;
  resume: string | null;
}

interface PendingStep {
  nodeId: string;
  outcome: string;
  detail: Record<string, unknown>;
}

/** What one run's walk leaves for the batch's writes. */
interface Walked {
  run: RunRow;
  steps: PendingStep[];
  /** The run as it is to be written. */
  after: RunRow;
}

/** What the runs of one batch share while they are walked. */
interface Batch {
  tx: Db;
  now: Date;
  engine: EngineContext;
  /** Runs whose customer was merged into another profile. */
  merged: Set<string>;
  /** Steps already written per `${runId} ${nodeId}` (action nodes of runs that had taken steps). */
  visits: Map<string, number>;
  messages: QueueMessageRequest[];
  /** Per journey with a daily send limit: messages queued today, the batch's pending sends included. */
  sentToday: Map<string, number>;
}

/**
 * Moves one (locked, active) run: from its trigger when new (`resume` null), or out of the wait it is
 * in by `resume` ("next" when a wait ends, "event" / "timeout" for a wait-for-event). The batch of
 * one of `advanceRuns`; returns the run as written.
 */
export async function advanceRun(tx: Db, now: Date, run: RunRow, resume: string | null, engine: EngineContext): Promise<RunRow> {
  const [after] = await advanceRuns(tx, now, [{ run, resume }], engine);
  return after!;
}

/**
 * Moves (locked, active) runs until each must wait or ends. The graphs are walked in memory, run
 * after run (effects that are their own modules' writes — coupons, points, tags, store tasks, rule
 * conditions — happen during the walk, keyed per run and node); then the batch is written at once:
 * one steps insert, one outbox insert, one run update. A step number already taken (a replay from
 * a stale copy of a run) makes the whole call throw. Returns the runs as written, in input order.
 */
export async function advanceRuns(tx: Db, now: Date, items: readonly RunToMove[], engine: EngineContext): Promise<RunRow[]> {
  if (items.length === 0) return [];
  const versions = new Map<string, LoadedVersion | null>();
  for (const { run } of items) versions.set(`${run.journeyId}:${run.version}`, await engine.cache.get(tx, run.journeyId, run.version));
  const profileIds = [...new Set(items.map((i) => i.run.profileId))];
  const merged = new Set(
    (await rows<{ id: string }>(tx, sql`select id from profiles where id = any(${`{${profileIds.join(",")}}`}::uuid[]) and merged_into is not null`)).map((r) => r.id),
  );
  // Repeated visits key their effects by step: the steps already written, for runs that have some.
  const visits = new Map<string, number>();
  const actionNodes = new Set<string>();
  const earlier: string[] = [];
  for (const { run } of items) {
    const v = versions.get(`${run.journeyId}:${run.version}`);
    if (!v || run.stepCount === 0) continue;
    const actions = v.graph.nodes.filter((n) => n.type === "action");
    if (actions.length === 0) continue;
    earlier.push(run.id);
    for (const n of actions) actionNodes.add(n.id);
  }
  if (earlier.length > 0) {
    const counted = await rows<{ run_id: string; node_id: string; n: number }>(
      tx,
      sql`select run_id, node_id, count(*)::int as n from journey_steps
          where run_id = any(${`{${earlier.join(",")}}`}::uuid[]) and node_id in (select jsonb_array_elements_text(${JSON.stringify([...actionNodes])}::jsonb))
          group by run_id, node_id`,
    );
    for (const r of counted) visits.set(`${r.run_id} ${r.node_id}`, r.n);
  }
  const batch: Batch = { tx, now, engine, merged, visits, messages: [], sentToday: new Map() };
  const walked: Walked[] = [];
  for (const { run, resume } of items) walked.push(await walk(batch, versions.get(`${run.journeyId}:${run.version}`) ?? null, run, resume));

  // The rows go as one JSON parameter each statement: far cheaper than thousands of bound parameters.
  const steps = walked.flatMap((w) =>
    w.steps.map((s, i) => ({ id: newId(), workspace_id: w.run.workspaceId, journey_id: w.run.journeyId, run_id: w.run.id, step_no: w.run.stepCount + i + 1, node_id: s.nodeId, outcome: s.outcome, detail: s.detail })),
  );
  if (steps.length > 0) {
    await tx.execute(sql`insert into journey_steps (id, workspace_id, journey_id, run_id, step_no, node_id, entered_at, outcome, detail)
        select id, workspace_id, journey_id, run_id, step_no, node_id, ${now.toISOString()}::timestamptz, outcome, detail
        from jsonb_to_recordset(${JSON.stringify(steps)}::jsonb) as v(id uuid, workspace_id uuid, journey_id uuid, run_id uuid, step_no int, node_id text, outcome text, detail jsonb)`);
  }
  await queueMessages(tx, now, batch.messages);
  const updates = walked.map(({ after: r }) => ({
    id: r.id,
    status: r.status,
    current_node_id: r.currentNodeId,
    step_count: r.stepCount,
    context: r.context,
    due_at: r.dueAt?.toISOString() ?? null,
    wait_event: r.waitEvent,
    wait_where: r.waitWhere,
    ended_at: r.endedAt?.toISOString() ?? null,
    error: r.error,
  }));
  await tx.execute(sql`update journey_runs r set status = v.status, current_node_id = v.current_node_id, step_count = v.step_count, context = v.context,
        due_at = v.due_at, wait_event = v.wait_event, wait_where = nullif(v.wait_where, 'null'::jsonb), ended_at = v.ended_at, error = v.error,
        updated_at = ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
        as v(id uuid, status text, current_node_id text, step_count int, context jsonb, due_at timestamptz, wait_event text, wait_where jsonb, ended_at timestamptz, error text)
      where r.id = v.id`);
  return walked.map((w) => w.after);
}

/** Walks one run's graph from where it is until a wait or the end; writes nothing of its own. */
async function walk(batch: Batch, v: LoadedVersion | null, run: RunRow, resume: string | null): Promise<Walked> {
  const { tx, now, engine } = batch;
  const steps: PendingStep[] = [];
  let stepCount = run.stepCount;
  const context = { ...run.context };
  const finish = (patch: Partial<RunRow>): Walked => ({
    run,
    steps,
    after: { ...run, stepCount, context, updatedAt: now, dueAt: null, waitEvent: null, waitWhere: null, ...patch },
  });
  if (!v) return finish({ status: "failed", endedAt: now, error: "The journey version is gone." });
  if (batch.merged.has(run.profileId)) return finish({ status: "exited", endedAt: now, error: "The customer was merged into another profile." });

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
        const visits = (batch.visits.get(`${run.id} ${node.id}`) ?? 0) + steps.filter((s) => s.nodeId === node.id).length;
        const key = visits === 0 ? `journey:${run.id}:${node.id}` : `journey:${run.id}:${node.id}:${stepCount + 1}`;
        const { outcome, detail } = await act(batch, run, v, node, key, context);
        step(node.id, outcome, detail);
        nodeId = edgeTarget(v.graph, node.id, "next");
        break;
      }
    }
  }
  return finish({ status: "failed", endedAt: now, error: "The run took more than 500 steps at once." });
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
  batch: Batch,
  run: RunRow,
  v: LoadedVersion,
  node: Extract<JourneyNode, { type: "action" }>,
  key: string,
  context: Record<string, unknown>,
): Promise<{ outcome: string; detail: Record<string, unknown> }> {
  const { tx, now, engine } = batch;
  const a = node.action;
  const dryRun = v.settings.dryRun;
  const source = { kind: "journey" as const, journeyId: v.journeyId, journeyVersion: v.version, nodeId: node.id, runId: run.id };
  try {
    switch (a.kind) {
      case "send": {
        const limit = v.settings.dailySendLimit;
        if (limit !== null) {
          const sent = await sentToday(batch, v);
          if (sent >= limit) return { outcome: "journey_limit", detail: { limit } };
          batch.sentToday.set(v.journeyId, sent + 1);
        }
        // Queued with the batch's other messages once every run is walked.
        batch.messages.push({
          workspaceId: run.workspaceId,
          idempotencyKey: key,
          profileId: run.profileId,
          channel: a.channel,
          category: a.category,
          templateId: a.templateId,
          variables: templateVariables(run, v, context),
          source,
        });
        return { outcome: "queued", detail: { idempotencyKey: key, channel: a.channel, dryRun } };
      }
      case "webhook":
        batch.messages.push({
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
        });
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

/**
 * Messages this journey queued today (workspace-local day), the batch's pending sends included: read
 * once per batch with the journey row locked, so concurrent batches count in turn.
 */
async function sentToday(batch: Batch, v: LoadedVersion): Promise<number> {
  const known = batch.sentToday.get(v.journeyId);
  if (known !== undefined) return known;
  const { tx, now, engine } = batch;
  await tx.select({ id: journeys.id }).from(journeys).where(eq(journeys.id, v.journeyId)).for("update");
  const tz = await engine.cache.timeZone(tx, v.workspaceId);
  const from = startOfLocalDay(localDay(now, tz), tz);
  const [r] = await rows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from journey_steps s where s.journey_id = ${v.journeyId}::uuid and s.outcome = 'queued' and s.entered_at >= ${from.toISOString()}::timestamptz
          and s.detail->>'channel' <> 'webhook'`,
  );
  const n = r?.n ?? 0;
  batch.sentToday.set(v.journeyId, n);
  return n;
}
