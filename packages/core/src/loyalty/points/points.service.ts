import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type {
  AdjustPointsBody,
  CustomerTierDto,
  LoyaltySettings,
  PointsBalanceDto,
  PointsEntryDto,
  PointsHistoryDto,
  PointsOperationDto,
  PutLoyaltySettingsBody,
  RedeemPointsBody,
} from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { isUniqueViolation } from "../../shared/domain-error";
import { loyaltyErrors } from "../loyalty.errors";
import { loadSettings, loyaltySettingsStore } from "../loyalty.settings";
import { debit, earn, expiryOf, findEntry, findEntryByKey, lockAccount, restoreDebit, rows, toAccount, toEntry, type Account, type EntryRow } from "./points.ledger";
import { expireDuePoints, foldMergedAccounts, liveRoot, releaseDuePoints } from "./points.jobs";
import { workspaceTimeZone } from "../loyalty-workspace";
import { recalculateTiers, tierOf } from "../tiers/tiers";

export interface PointsDeps {
  db: Db;
  clock: Clock;
  /** A merged profile's old id leads to the live profile; an unknown one is profiles.not_found. */
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
}

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
    createdAt: e.created_at.toISOString(),
    expiresAt: e.expires_at?.toISOString() ?? null,
    pendingUntil: e.pending_until?.toISOString() ?? null,
    actor: e.actor,
  };
}

export function toBalanceDto(a: Account): PointsBalanceDto {
  return { profileId: a.profileId, available: a.available, pending: a.pending, lifetimeEarned: a.lifetimeEarned, version: a.version };
}

export { workspaceTimeZone } from "../loyalty-workspace";

interface Request {
  profileId: string;
  /** What the request asks for, e.g. "redeem:40"; a replay must ask for the same. */
  signature: string;
}

/**
 * Runs a keyed ledger operation once. Inside the account lock the key is looked up first, so a replay
 * that waited for the original returns the original's entry; a replay that raced past (another profile,
 * or PGlite's ordering) hits the unique index and is answered from the stored entry. A key reused for a
 * different request is loyalty.idempotency_conflict.
 */
async function once(
  db: Db,
  ctx: WorkspaceContext,
  key: string,
  request: Request,
  now: Date,
  work: (tx: Db, account: Account) => Promise<EntryRow>,
): Promise<PointsOperationDto> {
  const replay = async (tx: Db, entry: EntryRow): Promise<PointsOperationDto> => {
    const same = entry.profile_id === request.profileId && entry.metadata.request === request.signature;
    if (!same) throw loyaltyErrors.error("loyalty.idempotency_conflict", `Idempotency key "${key}" was used for a different request`);
    const account = await readAccount(tx, ctx.workspaceId, request.profileId);
    return { entry: toEntryDto(entry), balance: toBalanceDto(account), replayed: true };
  };
  try {
    return await db.transaction(async (tx) => {
      const account = await lockAccount(tx, ctx.workspaceId, request.profileId, now);
      const existing = await findEntryByKey(tx, ctx.workspaceId, key);
      if (existing) return replay(tx, existing);
      const entry = await work(tx, account);
      return { entry: toEntryDto(entry), balance: toBalanceDto(account), replayed: false };
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await findEntryByKey(db, ctx.workspaceId, key);
    if (!existing) throw error;
    return replay(db, existing);
  }
}

export async function readAccount(db: Db, workspaceId: string, profileId: string): Promise<Account> {
  const [a] = await rows<Record<string, unknown>>(
    db,
    sql`select profile_id, available, pending, lifetime_earned, version from points_accounts where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid`,
  );
  return a ? toAccount(a) : { profileId, available: 0, pending: 0, lifetimeEarned: 0, version: 0 };
}

export function createPointsService(deps: PointsDeps) {
  const { db, clock } = deps;
  return {
    async settings(workspaceId: string): Promise<LoyaltySettings> {
      return loadSettings(db, workspaceId);
    },

    /** PUT: the whole settings object, fields left out taking their defaults. Audited with the changed sections only. */
    async putSettings(ctx: WorkspaceContext, body: PutLoyaltySettingsBody): Promise<LoyaltySettings> {
      return loyaltySettingsStore.replace(db, clock, ctx, body);
    },

    async balance(ctx: WorkspaceContext, profileId: string): Promise<PointsBalanceDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      return toBalanceDto(await readAccount(db, ctx.workspaceId, live));
    },

    /** Newest first; the cursor is the last entry id of the previous page. */
    async history(ctx: WorkspaceContext, profileId: string, query: { limit: number; cursor?: string }): Promise<PointsHistoryDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      const found = await rows<Record<string, unknown>>(
        db,
        sql`select id, workspace_id, profile_id, kind, delta, pending_delta, reason, source, idempotency_key, bucket_id, reverses_entry_id,
              order_id, earn_day, allocations, metadata, actor, created_at, expires_at, pending_until
            from points_entries where workspace_id = ${ctx.workspaceId}::uuid and profile_id = ${live}::uuid
            ${query.cursor ? sql`and (created_at, id) < (select created_at, id from points_entries where id = ${query.cursor}::uuid)` : sql``}
            order by created_at desc, id desc limit ${query.limit + 1}`,
      );
      const items = found.slice(0, query.limit).map((r) => toEntryDto(toEntry(r)));
      return { items, nextCursor: found.length > query.limit ? items[items.length - 1]!.id : null };
    },

    /** A manual adjustment with its reason, audited in the same transaction. */
    async adjust(ctx: WorkspaceContext, profileId: string, body: AdjustPointsBody): Promise<PointsOperationDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      const now = clock.now();
      return once(db, ctx, body.idempotencyKey, { profileId: live, signature: `adjust:${body.delta}` }, now, async (tx, account) => {
        const settings = await loadSettings(tx, ctx.workspaceId);
        const meta = { request: `adjust:${body.delta}` };
        const entry =
          body.delta > 0
            ? await earn(
                tx,
                ctx.workspaceId,
                account,
                {
                  profileId: live,
                  points: body.delta,
                  kind: "adjust",
                  source: "manual",
                  reason: body.reason,
                  idempotencyKey: body.idempotencyKey,
                  actor: ctx.actor.name,
                  earnedAt: now,
                  expiresAt: expiryOf(settings, now, await workspaceTimeZone(tx, ctx.workspaceId)),
                  pendingUntil: null,
                  metadata: meta,
                },
                now,
              )
            : await debit(
                tx,
                ctx.workspaceId,
                account,
                { profileId: live, points: -body.delta, kind: "adjust", source: "manual", reason: body.reason, idempotencyKey: body.idempotencyKey, actor: ctx.actor.name, mayGoNegative: settings.points.allowNegative, metadata: meta },
                now,
              );
        await appendAuditEntry(tx, clock, ctx, {
          action: "loyalty.points_adjusted",
          targetType: "customer",
          targetId: live,
          summary: `${body.delta > 0 ? "+" : ""}${body.delta} points: ${body.reason}`,
          before: { available: account.available - entry.delta },
          after: { available: account.available },
        });
        return entry;
      });
    },

    /** Spends points, oldest first; never below zero. */
    async redeem(ctx: WorkspaceContext, profileId: string, body: RedeemPointsBody): Promise<PointsOperationDto> {
      const live = await deps.resolveProfileId(ctx, profileId);
      const now = clock.now();
      return once(db, ctx, body.idempotencyKey, { profileId: live, signature: `redeem:${body.points}` }, now, (tx, account) =>
        debit(
          tx,
          ctx.workspaceId,
          account,
          { profileId: live, points: body.points, kind: "redeem", source: ctx.actor.type === "api_key" ? "api" : "operator", reason: body.reason, idempotencyKey: body.idempotencyKey, actor: ctx.actor.name, mayGoNegative: false, metadata: { request: `redeem:${body.points}` } },
          now,
        ),
      );
    },

    /** Puts a redemption's or deduction's points back into the buckets they came from. */
    async reverse(ctx: WorkspaceContext, entryId: string, input: { idempotencyKey: string; reason: string }): Promise<PointsOperationDto> {
      const original = await findEntry(db, ctx.workspaceId, entryId);
      if (!original) throw loyaltyErrors.error("loyalty.entry_not_found", "No such points entry");
      const now = clock.now();
      // Points follow merges: the original's profile may have been merged into another since.
      const owner = (await liveRoot(db, ctx.workspaceId, original.profile_id)) ?? original.profile_id;
      if (owner !== original.profile_id) await foldMergedAccounts(db, now, ctx.workspaceId);
      return once(db, ctx, input.idempotencyKey, { profileId: owner, signature: `reverse:${original.id}` }, now, async (tx, account) => {
        const entry = await restoreDebit(tx, ctx.workspaceId, account, original, { idempotencyKey: input.idempotencyKey, reason: input.reason, actor: ctx.actor.name, source: "operator" }, now);
        entry.metadata = { request: `reverse:${original.id}` };
        await tx.execute(sql`update points_entries set metadata = ${JSON.stringify(entry.metadata)}::jsonb where id = ${entry.id}::uuid`);
        await appendAuditEntry(tx, clock, ctx, {
          action: "loyalty.points_reversed",
          targetType: "points_entry",
          targetId: original.id,
          summary: `${entry.delta} points back (${input.reason})`,
          before: { available: account.available - entry.delta },
          after: { available: account.available },
        });
        return entry;
      });
    },

    /** A member's tier, benefits and progress to the next level. */
    async tier(ctx: WorkspaceContext, profileId: string): Promise<CustomerTierDto> {
      return tierOf(db, ctx.workspaceId, await deps.resolveProfileId(ctx, profileId));
    },

    /** Judges every member of the workspace again (the hourly job does this for all workspaces). */
    async recalculateTiers(ctx: WorkspaceContext): Promise<{ changed: number }> {
      const changed = await recalculateTiers(db, ctx.workspaceId, clock.now());
      await appendAuditEntry(db, clock, ctx, { action: "loyalty.tiers_recalculated", targetType: "workspace", targetId: ctx.workspaceId, summary: `${changed} member(s) changed tier` });
      return { changed };
    },

    async runTierJob(now: Date = clock.now()): Promise<number> {
      let changed = 0;
      for (const w of await rows<{ id: string }>(db, sql`select id from workspaces`)) changed += await recalculateTiers(db, w.id, now);
      return changed;
    },

    /** The periodic jobs: fold merged profiles' points, release pending points, expire due ones. */
    async runJobs(now: Date = clock.now()): Promise<{ folded: number; released: number; expired: number }> {
      const folded = await foldMergedAccounts(db, now);
      let released = 0;
      let expired = 0;
      for (;;) {
        const r = await releaseDuePoints(db, now);
        released += r.points;
        if (r.accounts === 0) break;
      }
      for (;;) {
        const r = await expireDuePoints(db, now);
        expired += r.points;
        if (r.accounts === 0) break;
      }
      return { folded, released, expired };
    },
  };
}
export type PointsService = ReturnType<typeof createPointsService>;
