// The action nodes' effects: send and webhook queue messages with the batch (written once every run
// is walked); coupon, points, tag and store task write through their owners now, inside the batch's
// transaction. Each effect carries the key the walk derived from (run, node[, step]), so a replay
// repeats nothing.
import { eq, sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { JourneyNode } from "@siyu/contracts";
import type { QueueMessageRequest } from "../messaging";
import { DomainError } from "../shared/domain-error";
import { newId } from "../shared/ids";
import { startOfLocalDay, localDay } from "../shared/local-time";
import { rows } from "../shared/sql-rows";
import type { EngineContext, JourneyRunRow, LoadedVersion } from "./journey-engine-context";
import { journeys, journeyStoreTasks } from "./journeys.schema";

/** What the actions of one batch share while its runs are walked. */
export interface ActionBatch {
  tx: Db;
  now: Date;
  engine: EngineContext;
  messages: QueueMessageRequest[];
  /** Per journey with a daily send limit: messages queued today, the batch's pending sends included. */
  sentToday: Map<string, number>;
}

function templateVariables(run: JourneyRunRow, v: LoadedVersion, context: Record<string, unknown>) {
  return {
    event: { name: run.triggerEvent, properties: run.triggerProperties, at: run.triggeredAt.toISOString() },
    coupon: context.coupon ?? null,
    journey: { id: v.journeyId, name: v.name, dryRun: v.settings.dryRun },
  };
}

/** Performs one action node of a run; an effect its owner refuses becomes the node's `failed` outcome. */
export async function act(
  batch: ActionBatch,
  run: JourneyRunRow,
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
async function sentToday(batch: ActionBatch, v: LoadedVersion): Promise<number> {
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
