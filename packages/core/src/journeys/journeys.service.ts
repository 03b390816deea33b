import { and, desc, eq, lt, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { z } from "zod";
import {
  CreateJourneyBody,
  JourneyBody,
  JourneyGraph,
  JourneySettings,
  type Channel,
  type GraphProblemDto,
  type JourneyDto,
  type JourneyEntriesBody,
  type JourneyEntriesResultDto,
  type JourneyRunDto,
  type JourneyRunListDto,
  type JourneyRunsQuery,
  type SegmentRule,
} from "@siyu/contracts";
import { appendAuditEntry } from "../audit";
import { resolveLiveProfiles } from "../profiles";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { DomainError } from "../shared/domain-error";
import { isUuid, newId } from "../shared/ids";
import { rows } from "../shared/sql-rows";
import { couponOnEveryPath, structuralProblems } from "./graph-validation";
import { VersionCache } from "./journey-engine-context";
import { startRuns, type JourneyEntry, type StartRunsResult } from "./journey-start";
import type { JourneyEffects } from "./journey-effects";
import { journeyReport } from "./journey-report";
import { followMerges } from "./journey-merges";
import { liveJourneys } from "./live-journeys";
import { completeTask, listTasks } from "./journey-tasks";
import { journeyErrors } from "./journeys.errors";
import { journeyRuns, journeys, journeyTriggerCounts, journeyVersions } from "./journeys.schema";

/** Templates and channels as the messaging module knows them (its templateFacts / enabledChannels). */
export interface JourneyTemplateLookup {
  templateFacts(workspaceId: string, ids: readonly string[]): Promise<Map<string, { channel: Channel; variables: string[] }>>;
  enabledChannels(workspaceId: string): Promise<Set<Channel>>;
}

/** What other modules own that a graph names (each answers which of the ids exist). */
export interface JourneyReferences {
  segments(workspaceId: string, ids: readonly string[]): Promise<Set<string>>;
  tags(workspaceId: string, ids: readonly string[]): Promise<Set<string>>;
  couponTemplates(workspaceId: string, ids: readonly string[]): Promise<Set<string>>;
  /** Throws (segments.invalid_rule) when a rule does not hold in the workspace. */
  validateRule?(ctx: WorkspaceContext, rule: SegmentRule): Promise<unknown>;
}

export interface JourneysDeps {
  db: Db;
  clock: Clock;
  effects: JourneyEffects;
  templates: JourneyTemplateLookup;
  references: JourneyReferences;
}

type JourneyRow = typeof journeys.$inferSelect;

export function createJourneysService(deps: JourneysDeps) {
  const { db, clock } = deps;
  const engine = () => ({ effects: deps.effects, cache: new VersionCache() });
  return {
    list: (ctx: WorkspaceContext) => listJourneys(db, ctx),
    get: async (ctx: WorkspaceContext, journeyId: string) => toDto(db, await findJourney(db, ctx, journeyId)),
    create: (ctx: WorkspaceContext, body: z.input<typeof CreateJourneyBody>) => createJourney(deps, ctx, CreateJourneyBody.parse(body)),
    update: (ctx: WorkspaceContext, journeyId: string, body: z.input<typeof JourneyBody>) => updateJourney(deps, ctx, journeyId, JourneyBody.parse(body)),
    remove: (ctx: WorkspaceContext, journeyId: string) => removeJourney(deps, ctx, journeyId),
    /** The draft's problems, without publishing. */
    validate: async (ctx: WorkspaceContext, journeyId: string) => ({ problems: await problemsOf(deps, ctx, await findJourney(db, ctx, journeyId)) }),
    publish: (ctx: WorkspaceContext, journeyId: string) => publishJourney(deps, ctx, journeyId),
    pause: (ctx: WorkspaceContext, journeyId: string) => setStatus(deps, ctx, journeyId, ["live", "paused"], "paused"),
    /** Resuming a live journey changes nothing (idempotent). */
    resume: (ctx: WorkspaceContext, journeyId: string) => setStatus(deps, ctx, journeyId, ["paused", "live"], "live"),
    archive: (ctx: WorkspaceContext, journeyId: string) => setStatus(deps, ctx, journeyId, ["draft", "live", "paused"], "archived"),
    enter: (ctx: WorkspaceContext, journeyId: string, body: JourneyEntriesBody) => enterJourney(deps, ctx, journeyId, body),
    runs: (ctx: WorkspaceContext, journeyId: string, query: JourneyRunsQuery) => listRuns(db, ctx, journeyId, query),
    report: async (ctx: WorkspaceContext, journeyId: string) => journeyReport(db, await findJourney(db, ctx, journeyId)),
    tasks: listTasks.bind(null, db),
    completeTask: (ctx: WorkspaceContext, taskId: string) => completeTask(db, clock, ctx, taskId),
    /** Enters customers (for trigger sources: segments, date traits, tiers, schedules) inside the caller's transaction. */
    startRuns: (tx: Db, now: Date, entries: readonly JourneyEntry[]): Promise<StartRunsResult> => startRuns(tx, now, entries, engine()),
    /** The live journeys triggered by one of `kinds` (for the trigger sources), read in the caller's transaction. */
    liveJourneys,
    /** Moves the journey runs of customers just merged into others to their survivors (for flows that merge). */
    followMerges: (workspaceId: string, mergedIds: readonly string[]) => followMerges(db, clock.now(), workspaceId, mergedIds),
  };
}
export type JourneysService = ReturnType<typeof createJourneysService>;

async function findJourney(db: Db, ctx: WorkspaceContext, journeyId: string): Promise<JourneyRow> {
  const [row] = isUuid(journeyId) ? await db.select().from(journeys).where(and(eq(journeys.workspaceId, ctx.workspaceId), eq(journeys.id, journeyId))) : [];
  if (!row) throw journeyErrors.error("journeys.not_found", "No such journey.");
  return row;
}

async function toDto(db: Db, row: JourneyRow, liveCopy?: { graph: unknown; settings: unknown } | null): Promise<JourneyDto> {
  let live = liveCopy;
  if (live === undefined && row.liveVersion !== null) {
    [live] = await db
      .select({ graph: journeyVersions.graph, settings: journeyVersions.settings })
      .from(journeyVersions)
      .where(and(eq(journeyVersions.journeyId, row.id), eq(journeyVersions.version, row.liveVersion)));
  }
  const hasDraftChanges = !live || JSON.stringify(live.graph) !== JSON.stringify(row.graph) || JSON.stringify(live.settings) !== JSON.stringify(row.settings);
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    graph: JourneyGraph.parse(row.graph),
    settings: JourneySettings.parse(row.settings),
    status: row.status as JourneyDto["status"],
    liveVersion: row.liveVersion,
    hasDraftChanges,
    playbook: row.playbook,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    publishedAt: row.publishedAt?.toISOString() ?? null,
  };
}

async function listJourneys(db: Db, ctx: WorkspaceContext): Promise<JourneyDto[]> {
  const list = await db.select().from(journeys).where(eq(journeys.workspaceId, ctx.workspaceId)).orderBy(desc(journeys.updatedAt), desc(journeys.id));
  const versions = await rows<{ journey_id: string; graph: unknown; settings: unknown }>(
    db,
    sql`select v.journey_id, v.graph, v.settings from journey_versions v join journeys j on j.id = v.journey_id and j.live_version = v.version where j.workspace_id = ${ctx.workspaceId}::uuid`,
  );
  const live = new Map(versions.map((v) => [v.journey_id, v]));
  return Promise.all(list.map((r) => toDto(db, r, live.get(r.id) ?? null)));
}

async function createJourney(deps: JourneysDeps, ctx: WorkspaceContext, body: CreateJourneyBody): Promise<JourneyDto> {
  const now = deps.clock.now();
  const row: JourneyRow = {
    id: newId(),
    workspaceId: ctx.workspaceId,
    name: body.name,
    description: body.description,
    graph: body.graph as unknown as Record<string, unknown>,
    settings: body.settings as unknown as Record<string, unknown>,
    status: "draft",
    liveVersion: null,
    playbook: body.playbook,
    createdAt: now,
    updatedAt: now,
    publishedAt: null,
    resumedAt: null,
  };
  await deps.db.transaction(async (tx) => {
    await tx.insert(journeys).values(row);
    await appendAuditEntry(tx, deps.clock, ctx, { action: "journey.created", targetType: "journey", targetId: row.id, summary: `Created journey ${row.name}` });
  });
  return toDto(deps.db, (await findJourney(deps.db, ctx, row.id)));
}

async function updateJourney(deps: JourneysDeps, ctx: WorkspaceContext, journeyId: string, body: JourneyBody): Promise<JourneyDto> {
  const before = await findJourney(deps.db, ctx, journeyId);
  if (before.status === "archived") throw journeyErrors.error("journeys.wrong_status", "An archived journey cannot be edited.");
  await deps.db.transaction(async (tx) => {
    await tx
      .update(journeys)
      .set({ name: body.name, description: body.description, graph: body.graph as unknown as Record<string, unknown>, settings: body.settings as unknown as Record<string, unknown>, updatedAt: deps.clock.now() })
      .where(eq(journeys.id, journeyId));
    await appendAuditEntry(tx, deps.clock, ctx, { action: "journey.updated", targetType: "journey", targetId: journeyId, summary: `Changed the draft of journey ${body.name}` });
  });
  return toDto(deps.db, await findJourney(deps.db, ctx, journeyId));
}

async function removeJourney(deps: JourneysDeps, ctx: WorkspaceContext, journeyId: string): Promise<void> {
  const row = await findJourney(deps.db, ctx, journeyId);
  // History is kept: once a customer entered, archive instead.
  const [entered] = await deps.db.select({ id: journeyRuns.id }).from(journeyRuns).where(eq(journeyRuns.journeyId, journeyId)).limit(1);
  if (entered) throw journeyErrors.error("journeys.not_draft", "Customers have entered this journey; archive it instead of deleting it.");
  await deps.db.transaction(async (tx) => {
    await tx.delete(journeyVersions).where(eq(journeyVersions.journeyId, journeyId));
    await tx.delete(journeyTriggerCounts).where(eq(journeyTriggerCounts.journeyId, journeyId));
    await tx.delete(journeys).where(eq(journeys.id, journeyId));
    await appendAuditEntry(tx, deps.clock, ctx, { action: "journey.deleted", targetType: "journey", targetId: journeyId, summary: `Deleted journey ${row.name}` });
  });
}

/** Every problem of the draft: structure first, then what it names (templates, channels, segments, tags, coupons). */
async function problemsOf(deps: JourneysDeps, ctx: WorkspaceContext, row: JourneyRow): Promise<GraphProblemDto[]> {
  const parsedGraph = JourneyGraph.safeParse(row.graph);
  const parsedSettings = JourneySettings.safeParse(row.settings);
  if (!parsedGraph.success || !parsedSettings.success) return [{ nodeId: null, code: "invalid", message: "The stored draft does not parse; save it again." }];
  const graph = parsedGraph.data;
  const settings = parsedSettings.data;
  const problems = structuralProblems(graph);
  const ws = ctx.workspaceId;
  const trigger = graph.nodes.find((n) => n.type === "trigger");
  const want = { segments: new Map<string, string | null>(), tags: new Map<string, string>(), coupons: new Map<string, string>() };
  const rules: { nodeId: string | null; rule: SegmentRule }[] = [];
  if (settings.audience) rules.push({ nodeId: null, rule: settings.audience });
  for (const n of graph.nodes) {
    if (n.type === "trigger" && "segmentId" in n.trigger && n.trigger.segmentId) want.segments.set(n.trigger.segmentId, n.id);
    if (n.type === "condition" && n.condition.kind === "rule") rules.push({ nodeId: n.id, rule: n.condition.rule });
    if (n.type === "condition" && n.condition.kind === "coupon_held" && n.condition.templateId) want.coupons.set(n.condition.templateId, n.id);
    if (n.type === "action" && (n.action.kind === "add_tag" || n.action.kind === "remove_tag")) want.tags.set(n.action.tagId, n.id);
    if (n.type === "action" && n.action.kind === "issue_coupon") want.coupons.set(n.action.templateId, n.id);
  }
  for (const r of rules) {
    for (const id of segmentIdsOf(r.rule)) if (!want.segments.has(id)) want.segments.set(id, r.nodeId);
    if (deps.references.validateRule) {
      try {
        await deps.references.validateRule(ctx, r.rule);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        problems.push({ nodeId: r.nodeId, code: "invalid", message: `The rule does not hold: ${error.message}` });
      }
    }
  }
  const check = async (kind: string, map: Map<string, string | null>, known: (ws: string, ids: readonly string[]) => Promise<Set<string>>) => {
    const ids = [...map.keys()];
    const found = ids.length ? await known(ws, ids.filter(isUuid)) : new Set<string>();
    for (const id of ids) if (!found.has(id)) problems.push({ nodeId: map.get(id) ?? null, code: "unknown_reference", message: `No ${kind} ${id} in this workspace.` });
  };
  await check("segment", want.segments, deps.references.segments);
  await check("tag", want.tags, deps.references.tags);
  await check("coupon template", want.coupons, deps.references.couponTemplates);

  const sends = graph.nodes.flatMap((n) => (n.type === "action" && n.action.kind === "send" ? [{ node: n, action: n.action }] : []));
  const webhooks = graph.nodes.filter((n) => n.type === "action" && n.action.kind === "webhook");
  if (sends.length || webhooks.length) {
    const facts = sends.length ? await deps.templates.templateFacts(ws, [...new Set(sends.map((s) => s.action.templateId))]) : new Map();
    const enabled = await deps.templates.enabledChannels(ws);
    const withCoupon = couponOnEveryPath(graph);
    const eventKnown = trigger?.type === "trigger" && (trigger.trigger.kind === "event" || trigger.trigger.kind === "api");
    for (const { node, action } of sends) {
      if (!enabled.has(action.channel)) problems.push({ nodeId: node.id, code: "channel_disabled", message: `The ${action.channel} channel is not enabled.` });
      const t = facts.get(action.templateId);
      if (!t) {
        problems.push({ nodeId: node.id, code: "missing_template", message: `No message template ${action.templateId}.` });
        continue;
      }
      if (t.channel !== action.channel) problems.push({ nodeId: node.id, code: "invalid", message: `The template is for ${t.channel}, not ${action.channel}.` });
      for (const variable of t.variables) {
        if (variable.startsWith("coupon.") && !withCoupon.has(node.id)) {
          problems.push({ nodeId: node.id, code: "template_variable", message: `The template uses ${variable}, but not every path here issues a coupon first.` });
        }
        if (variable.startsWith("event.") && !eventKnown) {
          problems.push({ nodeId: node.id, code: "template_variable", message: `The template uses ${variable}, but this journey is not triggered by an event.` });
        }
      }
    }
    for (const node of webhooks) if (!enabled.has("webhook")) problems.push({ nodeId: node.id, code: "channel_disabled", message: "The webhook channel is not enabled." });
  }
  return problems;
}

function segmentIdsOf(rule: unknown): string[] {
  const found: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (o.type === "segment" && typeof o.segmentId === "string") found.push(o.segmentId);
      Object.values(o).forEach(walk);
    }
  };
  walk(rule);
  return found;
}

async function publishJourney(deps: JourneysDeps, ctx: WorkspaceContext, journeyId: string): Promise<JourneyDto> {
  const row = await findJourney(deps.db, ctx, journeyId);
  if (row.status === "archived") throw journeyErrors.error("journeys.wrong_status", "An archived journey cannot be published.");
  const problems = await problemsOf(deps, ctx, row);
  if (problems.length) {
    const first = problems[0]!;
    throw journeyErrors.error("journeys.invalid_graph", `${first.nodeId ? `Node ${first.nodeId}: ` : ""}${first.message}`, { problems });
  }
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [locked] = await tx.select().from(journeys).where(eq(journeys.id, journeyId)).for("update");
    const [last] = await rows<{ v: number | null }>(tx, sql`select max(version)::int as v from journey_versions where journey_id = ${journeyId}::uuid`);
    const version = (last?.v ?? 0) + 1;
    await tx.insert(journeyVersions).values({ journeyId, version, workspaceId: ctx.workspaceId, graph: locked!.graph, settings: locked!.settings, publishedAt: now, publishedBy: ctx.actor.name });
    // A paused journey stays paused: publishing changes what customers enter, not whether they may.
    await tx.update(journeys).set({ liveVersion: version, status: locked!.status === "paused" ? "paused" : "live", publishedAt: now, updatedAt: now }).where(eq(journeys.id, journeyId));
    await appendAuditEntry(tx, deps.clock, ctx, { action: "journey.published", targetType: "journey", targetId: journeyId, summary: `Published journey ${row.name} as version ${version}` });
  });
  return toDto(deps.db, await findJourney(deps.db, ctx, journeyId));
}

async function setStatus(deps: JourneysDeps, ctx: WorkspaceContext, journeyId: string, from: readonly string[], to: "live" | "paused" | "archived"): Promise<JourneyDto> {
  const row = await findJourney(deps.db, ctx, journeyId);
  if (!from.includes(row.status)) throw journeyErrors.error("journeys.wrong_status", `A ${row.status} journey cannot become ${to}.`, { status: row.status });
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    // A resume is a new start for the trigger sources: what happened while paused (and is read only now) enters nobody.
    const resumed = row.status === "paused" && to === "live" ? { resumedAt: now } : {};
    await tx.update(journeys).set({ status: to, updatedAt: now, ...resumed }).where(eq(journeys.id, journeyId));
    // Archiving ends the runs in progress; pausing only stops new entries.
    if (to === "archived") {
      await tx.execute(sql`update journey_runs set status = 'exited', ended_at = ${now.toISOString()}::timestamptz, due_at = null, wait_event = null, updated_at = ${now.toISOString()}::timestamptz
        where journey_id = ${journeyId}::uuid and status = 'active'`);
    }
    await appendAuditEntry(tx, deps.clock, ctx, { action: `journey.${to === "live" ? "resumed" : to}`, targetType: "journey", targetId: journeyId, summary: `Journey ${row.name} is now ${to}` });
  });
  return toDto(deps.db, await findJourney(deps.db, ctx, journeyId));
}

async function enterJourney(deps: JourneysDeps, ctx: WorkspaceContext, journeyId: string, body: JourneyEntriesBody): Promise<JourneyEntriesResultDto> {
  const row = await findJourney(deps.db, ctx, journeyId);
  if (row.status !== "live" || row.liveVersion === null) throw journeyErrors.error("journeys.not_live", `The journey is ${row.status}; only a live journey takes entries.`);
  const [v] = await deps.db.select({ graph: journeyVersions.graph }).from(journeyVersions).where(and(eq(journeyVersions.journeyId, journeyId), eq(journeyVersions.version, row.liveVersion)));
  const trigger = JourneyGraph.parse(v!.graph).nodes.find((n) => n.type === "trigger");
  if (trigger?.type !== "trigger" || trigger.trigger.kind !== "api") throw journeyErrors.error("journeys.not_api_triggered", "Only a journey with an api trigger takes entries through the API.");
  const ids = [...new Set(body.entries.map((e) => e.profileId))];
  // A merged customer's old id enters the survivor (the end of the chain of merges).
  const liveOf = await resolveLiveProfiles(deps.db, ctx.workspaceId, ids);
  const unknown = body.entries.findIndex((e) => !liveOf.has(e.profileId));
  if (unknown >= 0) throw journeyErrors.error("journeys.unknown_profile", `entries.${unknown}.profileId: no such customer.`, { path: ["entries", unknown, "profileId"] });
  const now = deps.clock.now();
  const entries: JourneyEntry[] = body.entries.map((e) => ({
    workspaceId: ctx.workspaceId,
    journeyId,
    profileId: liveOf.get(e.profileId)!,
    entryKey: `api:${e.idempotencyKey}`,
    trigger: { kind: "api", event: null, properties: e.variables, triggeredAt: now },
  }));
  await deps.db.transaction(async (tx) => {
    const result = await startRuns(tx, now, entries, { effects: deps.effects, cache: new VersionCache() });
    await appendAuditEntry(tx, deps.clock, ctx, {
      action: "journey.entries",
      targetType: "journey",
      targetId: journeyId,
      summary: `Entered ${result.started.length} of ${entries.length} customers into journey ${row.name}`,
    });
  });
  const keys = entries.map((e) => e.entryKey);
  const runs = await rows<{ id: string; entry_key: string; profile_id: string }>(
    deps.db,
    sql`select id, entry_key, profile_id from journey_runs where journey_id = ${journeyId}::uuid and entry_key = any(array(select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb)))`,
  );
  const byKey = new Map(runs.map((r) => [r.entry_key, r]));
  return {
    items: body.entries.map((e, i) => {
      const run = byKey.get(keys[i]!);
      return { profileId: e.profileId, idempotencyKey: e.idempotencyKey, runId: run?.id ?? null, status: run ? "started" : "skipped" };
    }),
  };
}

export function toRunDto(r: typeof journeyRuns.$inferSelect): JourneyRunDto {
  return {
    id: r.id,
    journeyId: r.journeyId,
    version: r.version,
    profileId: r.profileId,
    status: r.status as JourneyRunDto["status"],
    holdout: r.holdout,
    currentNodeId: r.currentNodeId,
    enteredAt: r.enteredAt.toISOString(),
    endedAt: r.endedAt?.toISOString() ?? null,
    dueAt: r.dueAt?.toISOString() ?? null,
  };
}

async function listRuns(db: Db, ctx: WorkspaceContext, journeyId: string, query: JourneyRunsQuery): Promise<JourneyRunListDto> {
  await findJourney(db, ctx, journeyId);
  const where = [eq(journeyRuns.journeyId, journeyId)];
  if (query.status) where.push(eq(journeyRuns.status, query.status));
  // A merged-away customer's runs are the survivor's now: an old id lists the survivor's.
  if (query.profileId) where.push(eq(journeyRuns.profileId, (await resolveLiveProfiles(db, ctx.workspaceId, [query.profileId])).get(query.profileId) ?? query.profileId));
  if (query.cursor) where.push(lt(journeyRuns.id, query.cursor));
  const found = await db.select().from(journeyRuns).where(and(...where)).orderBy(desc(journeyRuns.id)).limit(query.limit + 1);
  const page = found.slice(0, query.limit);
  return { items: page.map(toRunDto), nextCursor: found.length > query.limit ? page[page.length - 1]!.id : null };
}

