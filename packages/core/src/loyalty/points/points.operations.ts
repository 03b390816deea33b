import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { AdjustPointsBody, LoyaltySettings, PointsBalanceDto, PointsEntryDto, PointsOperationDto, RedeemPointsBody } from "@siyu/contracts";
import type { AuditRecordInput } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { isUniqueViolation } from "../../shared/domain-error";
import { isoTime } from "../../shared/iso-time";
import { loyaltyErrors } from "../loyalty.errors";
import { appendAuditEntry } from "../../audit";
import { loadSettings } from "../loyalty.settings";
import { workspaceTimeZone } from "../loyalty-workspace";
import type { DebitInput, EarnInput } from "./points.batch";
import { debit, earn, expiryOf, findEntryByKey, lockAccount, rows } from "./points.ledger";
import { toAccount, type Account, type EntryRow } from "./points.records";

/**
 * The keyed points operations of the API (adjust, redeem) one call at a time, and what they share with
 * their group-committed form (points.group.ts): the inputs they write, how a replay is recognised,
 * their audit entry, the DTOs.
 */

export function toEntryDto(e: EntryRow): PointsEntryDto {
  return {
    id: e.id,
    profileId: e.profile_id,
    kind: e.kind,
    delta: e.delta,
    pendingDelta: e.pending_delta,
    reason: e.reason,
    source: e.source,
    idempotencyKey: e.idempotency_key,
    orderId: e.order_id,
    reversesEntryId: e.reverses_entry_id,
    createdAt: isoTime(e.created_at),
    expiresAt: e.expires_at ? isoTime(e.expires_at) : null,
    pendingUntil: e.pending_until ? isoTime(e.pending_until) : null,
    actor: e.actor,
  };
}

export function toBalanceDto(a: Account): PointsBalanceDto {
  return { profileId: a.profileId, available: a.available, pending: a.pending, lifetimeEarned: a.lifetimeEarned, version: a.version };
}

export async function readAccount(db: Db, workspaceId: string, profileId: string): Promise<Account> {
  const [a] = await rows<Record<string, unknown>>(
    db,
    sql`select profile_id, available, pending, lifetime_earned, version from points_accounts where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid`,
  );
  return a ? toAccount(a) : { profileId, available: 0, pending: 0, lifetimeEarned: 0, version: 0 };
}

export interface KeyedRequest {
  profileId: string;
  /** Whether a stored entry under the key is this request again (a replay) rather than another one (a conflict). */
  matches(entry: EntryRow): boolean;
}

/** A request recorded as `metadata.request` (e.g. "redeem:40"); a replay must ask for the same. */
export const signedRequest = (profileId: string, signature: string): KeyedRequest => ({ profileId, matches: (e) => e.profile_id === profileId && e.metadata.request === signature });

/** The answer to a replayed key: the first entry and the balance now, or loyalty.idempotency_conflict. */
export function replayOf(key: string, request: KeyedRequest, entry: EntryRow, account: Account): PointsOperationDto {
  if (!request.matches(entry)) throw loyaltyErrors.error("loyalty.idempotency_conflict", `Idempotency key "${key}" was used for a different request`);
  return { entry: toEntryDto(entry), balance: toBalanceDto(account), replayed: true };
}

/**
 * Runs a keyed ledger operation once. Inside the account lock the key is looked up first, so a replay
 * that waited for the original returns the original's entry; a replay that raced past (another profile,
 * or PGlite's ordering) hits the unique index and is answered from the stored entry. A key reused for a
 * different request is loyalty.idempotency_conflict. `db` may itself be a transaction (a savepoint then).
 */
export async function once(
  db: Db,
  workspaceId: string,
  key: string,
  request: KeyedRequest,
  now: Date,
  work: (tx: Db, account: Account) => Promise<EntryRow>,
): Promise<PointsOperationDto> {
  try {
    return await db.transaction(async (tx) => {
      const account = await lockAccount(tx, workspaceId, request.profileId, now);
      const existing = await findEntryByKey(tx, workspaceId, key);
      if (existing) return replayOf(key, request, existing, account);
      const entry = await work(tx, account);
      return { entry: toEntryDto(entry), balance: toBalanceDto(account), replayed: false };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await findEntryByKey(db, workspaceId, key);
    if (!existing) throw error;
    return replayOf(key, request, existing, await readAccount(db, workspaceId, request.profileId));
  }
}

/** An operator's or API key's adjustment: a positive delta earns a bucket, a negative one debits (below zero when allowed). */
export function adjustment(ctx: WorkspaceContext, profileId: string, body: AdjustPointsBody, settings: LoyaltySettings, timeZone: string, now: Date): { earn: EarnInput } | { debit: DebitInput } {
  const meta = { request: `adjust:${body.delta}` };
  const common = { profileId, kind: "adjust" as const, source: "manual", reason: body.reason, idempotencyKey: body.idempotencyKey, actor: ctx.actor.name, metadata: meta };
  return body.delta > 0
    ? { earn: { ...common, points: body.delta, earnedAt: now, expiresAt: expiryOf(settings, now, timeZone), pendingUntil: null } }
    : { debit: { ...common, points: -body.delta, mayGoNegative: settings.points.allowNegative } };
}

export function adjustmentAudit(profileId: string, body: AdjustPointsBody, entry: EntryRow, account: Account): AuditRecordInput {
  return {
    action: "loyalty.points_adjusted",
    targetType: "customer",
    targetId: profileId,
    summary: `${body.delta > 0 ? "+" : ""}${body.delta} points: ${body.reason}`,
    before: { available: account.available - entry.delta },
    after: { available: account.available },
  };
}

/** A spend of points through the API: oldest first, never below zero. */
export function spend(ctx: WorkspaceContext, profileId: string, body: RedeemPointsBody): DebitInput {
  return {
    profileId,
    points: body.points,
    kind: "redeem",
    source: ctx.actor.type === "api_key" ? "api" : "operator",
    reason: body.reason,
    idempotencyKey: body.idempotencyKey,
    actor: ctx.actor.name,
    mayGoNegative: false,
    metadata: { request: `redeem:${body.points}` },
  };
}

/** `points.adjust` one call at a time: in its own transaction (a savepoint when `db` is one), audited in it. */
export function adjustOne(db: Db, clock: Clock, ctx: WorkspaceContext, profileId: string, body: AdjustPointsBody, now: Date): Promise<PointsOperationDto> {
  return once(db, ctx.workspaceId, body.idempotencyKey, signedRequest(profileId, `adjust:${body.delta}`), now, async (tx, account) => {
    const settings = await loadSettings(tx, ctx.workspaceId);
    // A deduction reads no time zone (nothing it writes expires).
    const op = adjustment(ctx, profileId, body, settings, body.delta > 0 ? await workspaceTimeZone(tx, ctx.workspaceId) : "UTC", now);
    const entry = "earn" in op ? await earn(tx, ctx.workspaceId, account, op.earn, now) : await debit(tx, ctx.workspaceId, account, op.debit, now);
    await appendAuditEntry(tx, clock, ctx, adjustmentAudit(profileId, body, entry, account));
    return entry;
  });
}

/** `points.redeem` one call at a time. */
export function redeemOne(db: Db, ctx: WorkspaceContext, profileId: string, body: RedeemPointsBody, now: Date): Promise<PointsOperationDto> {
  return once(db, ctx.workspaceId, body.idempotencyKey, signedRequest(profileId, `redeem:${body.points}`), now, (tx, account) =>
    debit(tx, ctx.workspaceId, account, spend(ctx, profileId, body), now),
  );
}
