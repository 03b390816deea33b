import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type {
  AdjustPointsBody,
  CustomerTierDto,
  LoyaltySettings,
  PointsBalanceDto,
  PointsHistoryDto,
  PointsOperationDto,
  PutLoyaltySettingsBody,
  RedeemPointsBody,
} from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { createGroupCommitter, type GroupCommitSettings, type GroupCommitStats } from "../../shared/group-commit";
import { loyaltyErrors } from "../loyalty.errors";
import { loadSettings, loyaltySettingsStore } from "../loyalty.settings";
import { findEntry, restoreDebit, rows } from "./points.ledger";
import { toEntry } from "./points.records";
import { expireDuePoints, foldMergedAccounts, liveRoot, releaseDuePoints } from "./points.jobs";
import type { AwardRequest } from "./points.award";
import { pointsGroupWork } from "./points.group";
import { once, readAccount, signedRequest, toBalanceDto, toEntryDto } from "./points.operations";
import { recalculateTiers, tierOf } from "../tiers/tiers";

export interface PointsDeps {
  db: Db;
  clock: Clock;
  /** A merged profile's old id leads to the live profile; an unknown one is profiles.not_found. */
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
  /** How awards, adjustments and redemptions are grouped into shared transactions; DEFAULT_GROUP_COMMIT_SETTINGS when left out. */
  groupCommit?: GroupCommitSettings;
}

export { readAccount, toBalanceDto, toEntryDto };
export { workspaceTimeZone } from "../loyalty-workspace";
export type { AwardRequest };

export function createPointsService(deps: PointsDeps) {
  const { db, clock } = deps;
  const group = createGroupCommitter(db, pointsGroupWork(clock), deps.groupCommit);
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

    /**
     * Credits points to a member (merges followed; an unknown one is profiles.not_found), once per key:
     * what awardPoints does inside a transaction, for callers that hold none. Group-committed: concurrent
     * calls share a transaction (and its commit); the answer comes after that commit.
     */
    async award(ctx: WorkspaceContext, profileId: string, input: AwardRequest): Promise<PointsOperationDto> {
      if (!Number.isInteger(input.points) || input.points <= 0) throw new RangeError(`award needs a positive whole number of points, got ${input.points}`);
      return group.submit({ kind: "award", ctx, profileId, award: input });
    },

    /** A manual adjustment with its reason, audited in the same transaction. Group-committed, as `award`. */
    async adjust(ctx: WorkspaceContext, profileId: string, body: AdjustPointsBody): Promise<PointsOperationDto> {
      return group.submit({ kind: "adjust", ctx, profileId, body });
    },

    /** Spends points, oldest first; never below zero. Group-committed, as `award`. */
    async redeem(ctx: WorkspaceContext, profileId: string, body: RedeemPointsBody): Promise<PointsOperationDto> {
      return group.submit({ kind: "redeem", ctx, profileId, body });
    },

    /** How the group commit of awards, adjustments and redemptions has gone: batches, calls, fallbacks. */
    groupCommitStats: (): GroupCommitStats => group.stats(),

    /** Puts a redemption's or deduction's points back into the buckets they came from. */
    async reverse(ctx: WorkspaceContext, entryId: string, input: { idempotencyKey: string; reason: string }): Promise<PointsOperationDto> {
      const original = await findEntry(db, ctx.workspaceId, entryId);
      if (!original) throw loyaltyErrors.error("loyalty.entry_not_found", "No such points entry");
      const now = clock.now();
      // Points follow merges: the original's profile may have been merged into another since.
      const owner = (await liveRoot(db, ctx.workspaceId, original.profile_id)) ?? original.profile_id;
      if (owner !== original.profile_id) await foldMergedAccounts(db, now, ctx.workspaceId);
      return once(db, ctx.workspaceId, input.idempotencyKey, signedRequest(owner, `reverse:${original.id}`), now, async (tx, account) => {
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
