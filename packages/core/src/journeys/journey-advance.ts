// Advancing runs: a batch of (locked, active) runs is walked in memory, node by node, until each must
// wait or ends, then written set-based (one steps insert, one outbox insert, one run update) inside
// the caller's transaction. Every effect carries a key derived from (run, node[, step]) and the runs'
// rows are locked while they move, so a crash rolls the whole batch back and a replay repeats nothing.
import { eq, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { JourneyNode } from "@siyu/contracts";
import { queueMessages } from "../messaging";
import { newId } from "../shared/ids";
import { rows } from "../shared/sql-rows";
import { edgeTarget } from "./graph-validation";
import { act, type ActionBatch } from "./journey-actions";
import type { EngineContext, JourneyRunRow, LoadedVersion } from "./journey-engine-context";
import { mergedAway, rehomeMergedRuns } from "./journey-merges";
import { filtersMatch, nextLocalTime, splitBranch } from "./journey-rules";
import { journeyRuns } from "./journeys.schema";

/** Locks a run for moving it; null when it is gone or no longer active. */
export async function lockRun(tx: Db, runId: string): Promise<JourneyRunRow | null> {
  const [run] = await tx.select().from(journeyRuns).where(eq(journeyRuns.id, runId)).for("update");
  return run && run.status === "active" ? run : null;
}

/** A (locked, active) run to move: from its trigger when new (`resume` null), or out of its wait by `resume`. */
export interface RunToMove {
  run: JourneyRunRow;
  resume: string | null;
}

interface PendingStep {
  nodeId: string;
  outcome: string;
  detail: Record<string, unknown>;
}

/** What one run's walk leaves for the batch's writes. */
interface Walked {
  run: JourneyRunRow;
  steps: PendingStep[];
  /** The run as it is to be written. */
  after: JourneyRunRow;
}

/** What the runs of one batch share while they are walked. */
interface Batch extends ActionBatch {
  /** Steps already written per `${runId} ${nodeId}` (action nodes of runs that had taken steps). */
  visits: Map<string, number>;
}

/**
 * Moves one (locked, active) run: from its trigger when new (`resume` null), or out of the wait it is
 * in by `resume` ("next" when a wait ends, "event" / "timeout" for a wait-for-event). The batch of
 * one of `advanceRuns`; returns the run as written.
 */
export async function advanceRun(tx: Db, now: Date, run: JourneyRunRow, resume: string | null, engine: EngineContext): Promise<JourneyRunRow> {
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
export async function advanceRuns(tx: Db, now: Date, given: readonly RunToMove[], engine: EngineContext, write: "update" | "insert" = "update"): Promise<JourneyRunRow[]> {
  if (given.length === 0) return [];
  // New runs are only walked first when none of their customers was merged away meanwhile.
  if (write === "insert" && (await mergedAway(tx, given.map((i) => i.run.profileId))).length > 0) throw new RunsNotNew();
  // A run of a customer merged into another carries on as the survivor's (or exits when the survivor is inside already).
  const current = write === "insert" ? given.map((i) => i.run) : await rehomeMergedRuns(tx, now, given.map((i) => i.run));
  const items = given.map((item, i) => ({ ...item, run: current[i]! }));
  const versions = new Map<string, LoadedVersion | null>();
  for (const { run } of items) versions.set(`${run.journeyId}:${run.version}`, await engine.cache.get(tx, run.journeyId, run.version));
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
  const batch: Batch = { tx, now, engine, visits, messages: [], sentToday: new Map() };
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
  if (write === "insert") {
    // New runs, written once as the walk left them: every one must be new, or the caller's savepoint goes.
    const inserted = await insertRuns(tx, now, walked.map((w) => w.after));
    if (inserted.size < walked.length) throw new RunsNotNew();
    return walked.map((w) => w.after);
  }
  await tx.execute(sql`update journey_runs r set status = v.status, current_node_id = v.current_node_id, step_count = v.step_count, context = v.context,
        due_at = v.due_at, wait_event = v.wait_event, wait_where = nullif(v.wait_where, 'null'::jsonb), ended_at = v.ended_at, error = v.error,
        updated_at = ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(walked.map((w) => runValues(w.after)))}::jsonb)
        as v(id uuid, status text, current_node_id text, step_count int, context jsonb, due_at timestamptz, wait_event text, wait_where jsonb, ended_at timestamptz, error text)
      where r.id = v.id`);
  return walked.map((w) => w.after);
}

/** New runs walked first could not all be inserted (a key or a place taken meanwhile, a customer merged away). */
export class RunsNotNew extends Error {
  constructor() {
    super("Some of the new journey runs were taken by another transaction or their customer was merged away.");
  }
}

/**
 * Inserts runs as they are (the rows as one JSON parameter); a row another transaction took first
 * (its entry key, or an active run of the customer in the journey) is skipped. Returns the ids inserted.
 */
export async function insertRuns(tx: Db, now: Date, runs: readonly JourneyRunRow[]): Promise<Set<string>> {
  if (runs.length === 0) return new Set();
  const returned = await rows<{ id: string }>(
    tx,
    sql`insert into journey_runs (id, workspace_id, journey_id, version, profile_id, status, holdout, current_node_id, step_count, entry_key, entered_at, ended_at,
          trigger_kind, trigger_event, trigger_properties, trigger_seq, triggered_at, context, due_at, wait_event, wait_where, goal_until, error, updated_at)
        select id, workspace_id, journey_id, version, profile_id, status, holdout, current_node_id, step_count, entry_key, entered_at, ended_at,
          trigger_kind, trigger_event, trigger_properties, trigger_seq, triggered_at, context, due_at, wait_event, nullif(wait_where, 'null'::jsonb), goal_until, error,
          ${now.toISOString()}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(runs.map(runValues))}::jsonb) as v(id uuid, workspace_id uuid, journey_id uuid, version int, profile_id uuid, status text, holdout boolean,
          current_node_id text, step_count int, entry_key text, entered_at timestamptz, ended_at timestamptz, trigger_kind text, trigger_event text, trigger_properties jsonb,
          trigger_seq bigint, triggered_at timestamptz, context jsonb, due_at timestamptz, wait_event text, wait_where jsonb, goal_until timestamptz, error text)
        on conflict do nothing returning id`,
  );
  return new Set(returned.map((r) => r.id));
}

/** A run as one JSON record of its columns, for `jsonb_to_recordset` (an insert reads them all, an update the ones it sets). */
function runValues(r: JourneyRunRow) {
  return {
    id: r.id,
    workspace_id: r.workspaceId,
    journey_id: r.journeyId,
    version: r.version,
    profile_id: r.profileId,
    status: r.status,
    holdout: r.holdout,
    current_node_id: r.currentNodeId,
    step_count: r.stepCount,
    entry_key: r.entryKey,
    entered_at: r.enteredAt.toISOString(),
    ended_at: r.endedAt?.toISOString() ?? null,
    trigger_kind: r.triggerKind,
    trigger_event: r.triggerEvent,
    trigger_properties: r.triggerProperties,
    trigger_seq: r.triggerSeq,
    triggered_at: r.triggeredAt.toISOString(),
    context: r.context,
    due_at: r.dueAt?.toISOString() ?? null,
    wait_event: r.waitEvent,
    wait_where: r.waitWhere,
    goal_until: r.goalUntil?.toISOString() ?? null,
    error: r.error,
  };
}

/** Walks one run's graph from where it is until a wait or the end; writes nothing of its own. */
async function walk(batch: Batch, v: LoadedVersion | null, run: JourneyRunRow, resume: string | null): Promise<Walked> {
  const { tx, now, engine } = batch;
  const steps: PendingStep[] = [];
  let stepCount = run.stepCount;
  const context = { ...run.context };
  const finish = (patch: Partial<JourneyRunRow>): Walked => ({
    run,
    steps,
    after: { ...run, stepCount, context, updatedAt: now, dueAt: null, waitEvent: null, waitWhere: null, ...patch },
  });
  // Exited on the way in: its customer was merged into one already inside the journey.
  if (run.status !== "active") return { run, steps, after: run };
  if (!v) return finish({ status: "failed", endedAt: now, error: "The journey version is gone." });

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

async function judge(tx: Db, now: Date, run: JourneyRunRow, node: Extract<JourneyNode, { type: "condition" }>, engine: EngineContext): Promise<boolean> {
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
