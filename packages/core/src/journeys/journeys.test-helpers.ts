import { CreateJourneyBody, CreateWorkspaceBody, type Channel, type JourneyEdge, type JourneyInput, type JourneyNode } from "@siyu/contracts";
import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { expect } from "vitest";
import { DEFAULT_ACCESS_SETTINGS } from "../access";
import { createCoreServices, type CoreServices } from "../services";
import type { Clock } from "../shared/clock";
import { SYSTEM_ACTOR, systemContext } from "../shared/context";
import { newId } from "../shared/ids";
import { rows } from "../shared/sql-rows";

/** A small template lookup standing in for the messaging module's (templateFacts / enabledChannels). */
export function fakeTemplates() {
  const templates = new Map<string, { channel: Channel; variables: string[] }>();
  const enabled = new Set<Channel>(["sms", "webhook", "wecom"]);
  return {
    templates,
    enabled,
    add(channel: Channel, variables: string[] = []) {
      const id = newId();
      templates.set(id, { channel, variables });
      return id;
    },
    lookup: {
      templateFacts: async (_ws: string, ids: readonly string[]) => new Map(ids.flatMap((id) => (templates.has(id) ? [[id, templates.get(id)!] as const] : []))),
      enabledChannels: async () => new Set(enabled),
    },
  };
}

export function journeyServices(db: Db, clock: Clock, templates = fakeTemplates()): CoreServices {
  return createCoreServices({ db, clock, settings: { access: { ...DEFAULT_ACCESS_SETTINGS, passwordMemoryKiB: 1024, passwordPasses: 1 } }, journeyTemplates: templates.lookup });
}

export async function newWorkspace(services: CoreServices, timezone = "Asia/Shanghai"): Promise<string> {
  return (await services.workspaces.create(CreateWorkspaceBody.parse({ name: "Journeys brand", timezone }), SYSTEM_ACTOR)).id;
}

export async function newProfile(db: Db, workspaceId: string, traits: Record<string, unknown> = {}, storeId: string | null = null): Promise<string> {
  const id = newId();
  const all = storeId ? { ...traits, registration_store: storeId } : traits;
  await db.execute(sql`insert into profiles (id, workspace_id, traits, created_at, updated_at)
    values (${id}::uuid, ${workspaceId}::uuid, ${JSON.stringify(all)}::jsonb, now(), now())`);
  return id;
}

const at = { x: 0, y: 0 };
export const node = {
  api: (id = "t"): JourneyNode => ({ id, type: "trigger", position: at, trigger: { kind: "api" } }),
  event: (event: string, extra: Record<string, unknown> = {}, id = "t"): JourneyNode => ({ id, type: "trigger", position: at, trigger: { kind: "event", event, where: [], count: null, ...extra } as never }),
  wait: (id: string, wait: Record<string, unknown>): JourneyNode => ({ id, type: "wait", position: at, wait: wait as never }),
  condition: (id: string, condition: Record<string, unknown>): JourneyNode => ({ id, type: "condition", position: at, condition: condition as never }),
  split: (id: string, branches: { key: string; percent: number }[]): JourneyNode => ({ id, type: "split", position: at, branches: branches.map((b) => ({ ...b, label: "" })) }),
  action: (id: string, action: Record<string, unknown>): JourneyNode => ({ id, type: "action", position: at, action: action as never }),
  exit: (id = "end"): JourneyNode => ({ id, type: "exit", position: at }),
};
export const edge = (from: string, to: string, handle = "next"): JourneyEdge => ({ from, to, handle });

/** Creates and publishes a journey; returns its id. */
export async function liveJourney(services: CoreServices, ws: string, nodes: JourneyNode[], edges: JourneyEdge[], settings: JourneyInput["settings"] = {}): Promise<string> {
  const ctx = systemContext(ws);
  const j = await services.journeys.create(ctx, CreateJourneyBody.parse({ name: "Test journey", graph: { nodes, edges }, settings }));
  await services.journeys.publish(ctx, j.id);
  return j.id;
}

export async function runsOf(db: Db, journeyId: string) {
  return rows<{ id: string; profile_id: string; status: string; holdout: boolean; current_node_id: string | null; due_at: string | Date | null; context: Record<string, unknown>; version: number }>(
    db,
    sql`select id, profile_id, status, holdout, current_node_id, due_at, context, version from journey_runs where journey_id = ${journeyId}::uuid order by entered_at, id`,
  );
}

export async function messagesOf(db: Db, journeyId: string) {
  return rows<{ idempotency_key: string; channel: string; node_id: string; run_id: string; address: string | null; variables: Record<string, unknown>; journey_version: number }>(
    db,
    sql`select idempotency_key, channel, node_id, run_id, address, variables, journey_version from messages where journey_id = ${journeyId}::uuid order by id`,
  );
}

export async function stepsOf(db: Db, runId: string) {
  return (await rows<{ node_id: string; outcome: string }>(db, sql`select node_id, outcome from journey_steps where run_id = ${runId}::uuid order by step_no`)).map((s) => `${s.node_id}:${s.outcome}`);
}

let logged = 0;
/**
 * Logs track messages (timestamped now unless given) and runs the projector, then the journeys
 * trigger consumer (unless `triggers` is false: the consumer is behind), until idle.
 */
export async function sendEvents(services: CoreServices, clock: Clock, ws: string, items: Record<string, unknown>[], { triggers = true } = {}) {
  const result = await services.ingest(ws, items.map((m) => ({ messageId: `journey-test-${++logged}`, timestamp: clock.now().toISOString(), type: "track", ...m })));
  expect(result.errors ?? []).toEqual([]);
  while ((await services.projectNextBatch()) > 0);
  while (triggers && (await services.journeyTriggersNextBatch()) > 0);
}
