import { z } from "zod";
import { Id, IsoDateTime } from "./common";
import { Channel, LocalTime, MessageCategory } from "./messaging";
import { PropertyFilter, SegmentRule } from "./segments";

// Journeys: versioned graphs of trigger → waits / conditions / splits / actions, run per customer
// by durable runs and timers in PostgreSQL. docs/modules/journeys.md.
//
// A graph is nodes + edges (the canvas draws exactly this). An edge leaves a node by a named
// handle: "next" for single-exit nodes, "yes" / "no" for a condition, "event" / "timeout" for a
// wait-for-event, the branch key for a split. Shape is checked here; meaning (one trigger, every
// node reachable, no cycle without a wait, templates exist and render, channels enabled) is checked
// at publish, each problem pointing at its node.

const NodeId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: "must be 1–64 letters, digits, _ or -" });
const EventName = z.string().trim().min(1).max(200);
const Position = z.strictObject({ x: z.number().finite(), y: z.number().finite() });

export const JourneyTrigger = z.discriminatedUnion("kind", [
  /** Every matching event; with `count`, only when the customer has done it `atLeast` times in `withinDays` (e.g. > 5 views in 7 days → atLeast 6). */
  z.strictObject({
    kind: z.literal("event"),
    event: EventName,
    where: z.array(PropertyFilter).max(20).default([]),
    count: z.strictObject({ atLeast: z.int().min(2).max(1000), withinDays: z.int().min(1).max(365) }).nullable().default(null),
  }),
  z.strictObject({ kind: z.literal("segment_entered"), segmentId: Id }),
  z.strictObject({ kind: z.literal("segment_exited"), segmentId: Id }),
  /** A date trait's anniversary (birthday) or date, `offsetDays` before (−) or after (+), at `at` local time. */
  z.strictObject({
    kind: z.literal("date_trait"),
    trait: z.string().trim().min(1).max(200),
    anniversary: z.boolean().default(true),
    offsetDays: z.int().min(-60).max(60).default(0),
    at: LocalTime.default("10:00"),
  }),
  /** A tier change (loyalty); `to` narrows to one level code. */
  z.strictObject({ kind: z.literal("tier_changed"), direction: z.enum(["up", "down", "any"]).default("up"), to: z.string().max(50).nullable().default(null) }),
  z.strictObject({ kind: z.literal("lifecycle_changed"), to: z.string().max(50).nullable().default(null) }),
  /** Everyone in `segmentId` (or everyone) at a local time, daily or on the given weekdays (1 = Monday). */
  z.strictObject({
    kind: z.literal("schedule"),
    segmentId: Id.nullable().default(null),
    at: LocalTime.default("10:00"),
    weekdays: z.array(z.int().min(1).max(7)).max(7).default([]),
  }),
  /** POST /journeys/:id/entries. */
  z.strictObject({ kind: z.literal("api") }),
]);
export type JourneyTrigger = z.infer<typeof JourneyTrigger>;

export const JourneyWait = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("duration"), minutes: z.int().min(1).max(366 * 24 * 60) }),
  /** Until the next `at` local time (today if still ahead, else tomorrow), optionally on given weekdays. */
  z.strictObject({ kind: z.literal("until_time"), at: LocalTime, weekdays: z.array(z.int().min(1).max(7)).max(7).default([]) }),
  /** Until the customer sends `event` (leaves by "event") or `timeoutMinutes` pass (leaves by "timeout"). */
  z.strictObject({
    kind: z.literal("until_event"),
    event: EventName,
    where: z.array(PropertyFilter).max(20).default([]),
    timeoutMinutes: z.int().min(1).max(366 * 24 * 60),
  }),
]);
export type JourneyWait = z.infer<typeof JourneyWait>;

export const JourneyCondition = z.discriminatedUnion("kind", [
  /** The segment language (traits, tags, segments, events in a window, consent …), evaluated for this customer now. */
  z.strictObject({ kind: z.literal("rule"), rule: SegmentRule }),
  /** Holds an unused, unexpired coupon (of a template, or any). */
  z.strictObject({ kind: z.literal("coupon_held"), templateId: Id.nullable().default(null) }),
  /** The event that triggered the run matches filters (e.g. order total ≥ 200). */
  z.strictObject({ kind: z.literal("trigger_event"), where: z.array(PropertyFilter).min(1).max(20) }),
]);
export type JourneyCondition = z.infer<typeof JourneyCondition>;

export const JourneyAction = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("send"), channel: Channel, templateId: Id, category: MessageCategory.default("targeted") }),
  /** Issued once per run; its code is available to later messages as `coupon`. */
  z.strictObject({ kind: z.literal("issue_coupon"), templateId: Id }),
  z.strictObject({ kind: z.literal("award_points"), points: z.int().min(1).max(1_000_000), reason: z.string().trim().min(1).max(200) }),
  z.strictObject({ kind: z.literal("add_tag"), tagId: Id }),
  z.strictObject({ kind: z.literal("remove_tag"), tagId: Id }),
  /** POSTed signed as the Standard Webhooks spec describes, through the outbox. */
  z.strictObject({ kind: z.literal("webhook"), url: z.url({ protocol: /^https?$/ }).max(2000) }),
  /** A follow-up task for the manager of the customer's registration store (or `storeId`). */
  z.strictObject({ kind: z.literal("store_task"), title: z.string().trim().min(1).max(200), note: z.string().max(2000).default(""), storeId: z.string().max(100).nullable().default(null) }),
]);
export type JourneyAction = z.infer<typeof JourneyAction>;

export const JourneyNode = z.discriminatedUnion("type", [
  z.strictObject({ id: NodeId, type: z.literal("trigger"), position: Position, trigger: JourneyTrigger }),
  z.strictObject({ id: NodeId, type: z.literal("wait"), position: Position, wait: JourneyWait }),
  z.strictObject({ id: NodeId, type: z.literal("condition"), position: Position, condition: JourneyCondition }),
  /** Fixed percentages summing to 100; a customer's branch is a stable hash of (journey, customer). */
  z.strictObject({
    id: NodeId,
    type: z.literal("split"),
    position: Position,
    branches: z.array(z.strictObject({ key: z.string().regex(/^[a-z0-9_]{1,30}$/), label: z.string().max(100).default(""), percent: z.number().min(0).max(100) })).min(2).max(10),
  }),
  z.strictObject({ id: NodeId, type: z.literal("action"), position: Position, action: JourneyAction }),
  z.strictObject({ id: NodeId, type: z.literal("exit"), position: Position }),
]);
export type JourneyNode = z.infer<typeof JourneyNode>;
export type JourneyNodeType = JourneyNode["type"];

/** The handles a node leaves by, in the order the canvas draws them; at publish every one needs exactly one edge (a path ends at an exit node). */
export function nodeHandles(node: JourneyNode): string[] {
  switch (node.type) {
    case "trigger":
    case "action":
      return ["next"];
    case "wait":
      return node.wait.kind === "until_event" ? ["event", "timeout"] : ["next"];
    case "condition":
      return ["yes", "no"];
    case "split":
      return node.branches.map((b) => b.key);
    case "exit":
      return [];
  }
}

export const JourneyEdge = z.strictObject({
  from: NodeId,
  /** "next", "yes", "no", "event", "timeout", or a split branch's key. */
  handle: z.string().min(1).max(30).default("next"),
  to: NodeId,
});
export type JourneyEdge = z.infer<typeof JourneyEdge>;

export const JourneyGraph = z.strictObject({
  nodes: z.array(JourneyNode).max(200),
  edges: z.array(JourneyEdge).max(400),
});
export type JourneyGraph = z.infer<typeof JourneyGraph>;

/** Who may enter: once ever; every time the trigger fires (not while already inside); or again after a cooldown. */
export const JourneyEntry = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("once") }),
  z.strictObject({ mode: z.literal("every_time") }),
  z.strictObject({ mode: z.literal("cooldown"), hours: z.int().min(1).max(366 * 24) }),
]);
export type JourneyEntry = z.infer<typeof JourneyEntry>;

/** A goal ends the run and counts a conversion (e.g. an Order Completed within 3 days). */
export const JourneyGoal = z.strictObject({
  event: EventName,
  where: z.array(PropertyFilter).max(20).default([]),
  withinHours: z.int().min(1).max(366 * 24),
});
export type JourneyGoal = z.infer<typeof JourneyGoal>;

export const JourneySettings = z.strictObject({
  entry: JourneyEntry.default({ mode: "every_time" }),
  /** Only customers matching this rule enter. */
  audience: SegmentRule.nullable().default(null),
  goal: JourneyGoal.nullable().default(null),
  /** Percent of entrants held out (they run nothing) to measure the journey against. */
  holdoutPercent: z.number().min(0).max(50).default(0),
  /** At most this many messages a day from this journey (null: no limit). */
  dailySendLimit: z.int().min(1).max(10_000_000).nullable().default(null),
  /** Runs are judged and logged but no message leaves and no coupon or points move. */
  dryRun: z.boolean().default(false),
});
export type JourneySettings = z.infer<typeof JourneySettings>;

export const JOURNEY_STATUSES = ["draft", "live", "paused", "archived"] as const;
export const JourneyStatus = z.enum(JOURNEY_STATUSES);
export type JourneyStatus = z.infer<typeof JourneyStatus>;

export const JourneyBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  description: z.string().max(2000).default(""),
  graph: JourneyGraph,
  settings: JourneySettings.default(JourneySettings.parse({})),
  /** The playbook key a new journey is started from (kept on the journey; null for a blank one). */
  playbook: z.string().max(100).nullable().default(null),
});
export type JourneyBody = z.infer<typeof JourneyBody>;
export type JourneyInput = z.input<typeof JourneyBody>;

export const JourneyDto = JourneyBody.extend({
  id: Id,
  status: JourneyStatus,
  /** The published version customers enter (null before the first publish). */
  liveVersion: z.int().nullable(),
  /** The draft differs from the live version. */
  hasDraftChanges: z.boolean(),
  /** The playbook it was started from. */
  playbook: z.string().nullable(),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  publishedAt: IsoDateTime.nullable(),
});
export type JourneyDto = z.infer<typeof JourneyDto>;
export const JourneyListDto = z.object({ items: z.array(JourneyDto) });
export type JourneyListDto = z.infer<typeof JourneyListDto>;

/** A publish refused: each problem names its node (or edge) so the canvas can point at it. */
export const GraphProblemDto = z.object({
  nodeId: z.string().nullable(),
  code: z.enum(["no_trigger", "many_triggers", "unreachable", "cycle_without_wait", "dangling_handle", "unknown_handle", "unknown_node", "missing_template", "template_variable", "channel_disabled", "unknown_reference", "split_percent", "invalid"]),
  message: z.string(),
});
export type GraphProblemDto = z.infer<typeof GraphProblemDto>;
export const InvalidGraphDetailsDto = z.object({ problems: z.array(GraphProblemDto) });
export type InvalidGraphDetailsDto = z.infer<typeof InvalidGraphDetailsDto>;

/** Enter customers into a journey with an `api` trigger (idempotent per customer and key). */
export const JourneyEntriesBody = z.strictObject({
  entries: z.array(z.strictObject({ profileId: Id, idempotencyKey: z.string().trim().min(1).max(200), variables: z.record(z.string(), z.unknown()).default({}) })).min(1).max(1000),
});
export type JourneyEntriesBody = z.infer<typeof JourneyEntriesBody>;

export const RUN_STATUSES = ["active", "completed", "goal_reached", "exited", "failed"] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const JourneyRunDto = z.object({
  id: Id,
  journeyId: Id,
  version: z.int(),
  profileId: Id,
  status: RunStatus,
  holdout: z.boolean(),
  currentNodeId: z.string().nullable(),
  enteredAt: IsoDateTime,
  endedAt: IsoDateTime.nullable(),
  /** The next timer, when waiting. */
  dueAt: IsoDateTime.nullable(),
});
export type JourneyRunDto = z.infer<typeof JourneyRunDto>;

export const NodeStatsDto = z.object({
  nodeId: z.string(),
  entered: z.int(),
  /** Customers waiting on (or at) this node now. */
  inProgress: z.int(),
  messages: z.object({ sent: z.int(), delivered: z.int(), failed: z.int(), suppressed: z.record(z.string(), z.int()) }),
});
export type NodeStatsDto = z.infer<typeof NodeStatsDto>;

export const JourneyReportDto = z.object({
  journeyId: Id,
  version: z.int().nullable(),
  entered: z.int(),
  inProgress: z.int(),
  exited: z.int(),
  goalReached: z.int(),
  holdout: z.object({ entered: z.int(), goalReached: z.int() }),
  coupons: z.object({ issued: z.int(), redeemed: z.int() }),
  /** Revenue (minor units) of goal events within the goal window; for the holdout too. */
  revenue: z.object({ journey: z.int(), holdout: z.int(), currency: z.string() }),
  nodes: z.array(NodeStatsDto),
});
export type JourneyReportDto = z.infer<typeof JourneyReportDto>;

export const PlaybookDto = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  /** What the playbook needs the operator to pick before publishing (e.g. a coupon template). */
  needs: z.array(z.string()),
  journey: JourneyBody,
});
export type PlaybookDto = z.infer<typeof PlaybookDto>;
export const PlaybookListDto = z.object({ items: z.array(PlaybookDto) });
export type PlaybookListDto = z.infer<typeof PlaybookListDto>;

/** A one-off or recurring send to a segment, scheduled and throttled. */
export const BroadcastBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  segmentId: Id,
  channel: Channel,
  templateId: Id,
  category: MessageCategory.default("general"),
  /** First send; null → now. */
  startAt: IsoDateTime.nullable().default(null),
  /** Repeat: null (once), or every N days at the start's local time. */
  repeatEveryDays: z.int().min(1).max(366).nullable().default(null),
  /** Messages per minute handed to the outbox. */
  perMinute: z.int().min(1).max(1_000_000).default(1000),
});
export type BroadcastBody = z.infer<typeof BroadcastBody>;
export const BroadcastDto = BroadcastBody.extend({
  id: Id,
  status: z.enum(["scheduled", "sending", "sent", "cancelled"]),
  nextAt: IsoDateTime.nullable(),
  queued: z.int(),
  createdAt: IsoDateTime,
});
export type BroadcastDto = z.infer<typeof BroadcastDto>;
export const BroadcastListDto = z.object({ items: z.array(BroadcastDto) });
export type BroadcastListDto = z.infer<typeof BroadcastListDto>;
export const BroadcastParams = z.strictObject({ workspaceId: Id, broadcastId: Id });
export type BroadcastParams = z.infer<typeof BroadcastParams>;

// ---------------------------------------------------------------------------------------------
// Routes (params, run lists, entries, store tasks)
// ---------------------------------------------------------------------------------------------

export const JourneyParams = z.strictObject({ workspaceId: Id, journeyId: Id });
export type JourneyParams = z.infer<typeof JourneyParams>;

/** A draft body for create (optionally from a playbook) and update. */
export const CreateJourneyBody = JourneyBody.extend({ playbook: z.string().max(100).nullable().default(null) });
export type CreateJourneyBody = z.infer<typeof CreateJourneyBody>;

export const JourneyEntriesResultDto = z.object({
  items: z.array(z.object({ profileId: Id, idempotencyKey: z.string(), runId: Id.nullable(), status: z.enum(["started", "skipped"]) })),
});
export type JourneyEntriesResultDto = z.infer<typeof JourneyEntriesResultDto>;

export const JourneyRunsQuery = z.strictObject({
  status: RunStatus.optional(),
  profileId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** The last run id of the previous page (runs are listed newest first). */
  cursor: Id.optional(),
});
export type JourneyRunsQuery = z.infer<typeof JourneyRunsQuery>;
export const JourneyRunListDto = z.object({ items: z.array(JourneyRunDto), nextCursor: Id.nullable() });
export type JourneyRunListDto = z.infer<typeof JourneyRunListDto>;

/** A store_task action's follow-up for the manager of the customer's store. */
export const JourneyTaskDto = z.object({
  id: Id,
  journeyId: Id,
  runId: Id,
  nodeId: z.string(),
  profileId: Id,
  storeId: z.string().nullable(),
  title: z.string(),
  note: z.string(),
  status: z.enum(["open", "done"]),
  createdAt: IsoDateTime,
  completedAt: IsoDateTime.nullable(),
  completedBy: z.string().nullable(),
});
export type JourneyTaskDto = z.infer<typeof JourneyTaskDto>;
export const JourneyTaskListDto = z.object({ items: z.array(JourneyTaskDto) });
export type JourneyTaskListDto = z.infer<typeof JourneyTaskListDto>;
export const JourneyTasksQuery = z.strictObject({
  status: z.enum(["open", "done"]).optional(),
  storeId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export type JourneyTasksQuery = z.infer<typeof JourneyTasksQuery>;
export const JourneyTaskParams = z.strictObject({ workspaceId: Id, journeyTaskId: Id });
export type JourneyTaskParams = z.infer<typeof JourneyTaskParams>;
