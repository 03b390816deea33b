import type { Db } from "@siyu/storage";
import { loadSettings } from "../loyalty.settings";
import { workspaceTimeZone } from "../loyalty-workspace";
import { earn, expiryOf, findEntryByKey, lockAccount, type EntryRow } from "./points.ledger";

export interface AwardPointsInput {
  workspaceId: string;
  profileId: string;
  points: number;
  /** What earned them: "task", "badge", … */
  source: string;
  reason: string;
  /** One award per key: a replay returns the first entry. */
  idempotencyKey: string;
  metadata?: Record<string, unknown>;
}

/**
 * Points for an activity (a task, a badge), available at once and expiring by the workspace's rules,
 * inside the caller's transaction: the account is locked, the key looked up, then the bucket written.
 */
export async function awardPoints(tx: Db, input: AwardPointsInput, now: Date): Promise<{ entry: EntryRow; replayed: boolean }> {
  const account = await lockAccount(tx, input.workspaceId, input.profileId, now);
  const existing = await findEntryByKey(tx, input.workspaceId, input.idempotencyKey);
  if (existing) return { entry: existing, replayed: true };
  const settings = await loadSettings(tx, input.workspaceId);
  const entry = await earn(
    tx,
    input.workspaceId,
    account,
    {
      profileId: input.profileId,
      points: input.points,
      kind: "earn",
      source: input.source,
      reason: input.reason,
      idempotencyKey: input.idempotencyKey,
      earnedAt: now,
      expiresAt: expiryOf(settings, now, await workspaceTimeZone(tx, input.workspaceId)),
      pendingUntil: null,
      metadata: { ...input.metadata, request: `award:${input.points}` },
    },
    now,
  );
  return { entry, replayed: false };
}
