import { writeBehind, type Db } from "@siyu/storage";
import type { AdjustPointsBody, LoyaltySettings, PointsOperationDto, RedeemPointsBody } from "@siyu/contracts";
import { appendAuditEntries, type AuditRecordInput } from "../../audit";
import { profileErrors, resolveLiveProfiles } from "../../profiles";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { DomainError, isUniqueViolation } from "../../shared/domain-error";
import type { CallOutcome, GroupWork } from "../../shared/group-commit";
import { loyaltySettingsStore } from "../loyalty.settings";
import { awardEarn, awardPointsOnce, sameAward, type AwardRequest } from "./points.award";
import { LedgerBatch } from "./points.batch";
import { findEntryByKey, type EntryRow } from "./points.ledger";
import {
  adjustment,
  adjustmentAudit,
  adjustOne,
  readAccount,
  redeemOne,
  replayOf,
  signedRequest,
  spend,
  toBalanceDto,
  toEntryDto,
  type KeyedRequest,
} from "./points.operations";
import { dropUnusedAccounts, openBatch, spendableBuckets, writeLedger } from "./points.rows";

/**
 * Points awards, adjustments and redemptions group-committed (shared/group-commit.ts): a batch of calls
 * is one transaction that, per workspace, resolves the members (merges followed), locks their accounts
 * in key order, looks up every idempotency key at once, reads the settings and time zone once, judges
 * the calls in memory in the order they came (LedgerBatch: the rules of earn and debit, a key replayed
 * inside the batch included) and writes buckets, entries and balances in one statement (and the audit
 * entries of adjustments in one more).
 * A call's own refusal (unknown member, too few points, a key used for another request) is its outcome
 * alone; the fallback runs each call as it ran before grouping (points.operations.ts, awardPoints).
 */

export type PointsCall =
  | { kind: "award"; ctx: WorkspaceContext; profileId: string; award: AwardRequest }
  | { kind: "adjust"; ctx: WorkspaceContext; profileId: string; body: AdjustPointsBody }
  | { kind: "redeem"; ctx: WorkspaceContext; profileId: string; body: RedeemPointsBody };

const keyOf = (c: PointsCall) => (c.kind === "award" ? c.award.idempotencyKey : c.body.idempotencyKey);
const earns = (c: PointsCall) => c.kind === "award" || (c.kind === "adjust" && c.body.delta > 0);
const notFound = () => profileErrors.error("profiles.not_found", "No such customer.");

function requestOf(call: PointsCall, member: string): KeyedRequest {
  switch (call.kind) {
    case "award":
      return { profileId: member, matches: (e) => sameAward(e, { profileId: member, points: call.award.points }) };
    case "adjust":
      return signedRequest(member, `adjust:${call.body.delta}`);
    case "redeem":
      return signedRequest(member, `redeem:${call.body.points}`);
  }
}

function apply(ledger: LedgerBatch, call: PointsCall, member: string, settings: LoyaltySettings | null, timeZone: string, now: Date): EntryRow {
  switch (call.kind) {
    case "award":
      return ledger.earn(awardEarn(member, call.award, settings!, timeZone, now));
    case "adjust": {
      const op = adjustment(call.ctx, member, call.body, settings!, timeZone, now);
      return "earn" in op ? ledger.earn(op.earn) : ledger.debit(op.debit);
    }
    case "redeem":
      return ledger.debit(spend(call.ctx, member, call.body));
  }
}

/** One workspace's calls of a batch (`indexes` into `calls`), their outcomes written into `outcomes`. */
async function runWorkspace(tx: Db, clock: Clock, workspaceId: string, calls: readonly PointsCall[], indexes: number[], outcomes: CallOutcome<PointsOperationDto>[], now: Date) {
  // Redemptions alone need neither the settings nor the time zone.
  const needsSettings = indexes.some((i) => calls[i]!.kind !== "redeem");
  const opened = await openBatch(tx, workspaceId, indexes.map((i) => calls[i]!.profileId), indexes.map((i) => keyOf(calls[i]!)), needsSettings ? loyaltySettingsStore.columnsWithTimeZone(workspaceId) : null, now);
  const { live, locked, byKey } = opened;
  const known = indexes.filter((i) => live.has(calls[i]!.profileId));
  for (const i of indexes) if (!live.has(calls[i]!.profileId)) outcomes[i] = { ok: false, error: notFound() };
  if (known.length === 0) return;
  const memberOf = (i: number) => live.get(calls[i]!.profileId)!;
  const fresh = known.filter((i) => !byKey.has(keyOf(calls[i]!)));
  const { settings, timeZone } = needsSettings ? loyaltySettingsStore.fromColumns(opened.also) : { settings: null, timeZone: "UTC" };
  const buckets = await spendableBuckets(tx, workspaceId, fresh.filter((i) => !earns(calls[i]!)).map(memberOf), now);
  const ledger = new LedgerBatch(workspaceId, now, locked.accounts, buckets);
  const audits: { ctx: WorkspaceContext; input: AuditRecordInput }[] = [];
  for (const i of known) {
    const call = calls[i]!;
    const member = memberOf(i);
    const key = keyOf(call);
    try {
      const prior = byKey.get(key);
      if (prior) {
        outcomes[i] = { ok: true, value: replayOf(key, requestOf(call, member), prior, ledger.account(member)) };
        continue;
      }
      const entry = apply(ledger, call, member, settings, timeZone, now);
      byKey.set(key, entry);
      const account = ledger.account(member);
      if (call.kind === "adjust") audits.push({ ctx: call.ctx, input: adjustmentAudit(member, call.body, entry, account) });
      outcomes[i] = { ok: true, value: { entry: toEntryDto(entry), balance: toBalanceDto(account), replayed: false } };
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      outcomes[i] = { ok: false, error };
    }
  }
  const writes = ledger.writes();
  // Nothing reads these writes' answers: on the server they go out with COMMIT (write-behind.ts).
  await writeBehind(async () => {
    await writeLedger(tx, workspaceId, writes, now);
    await dropUnusedAccounts(tx, workspaceId, locked, writes.accounts);
    await appendAuditEntries(tx, clock, audits);
  });
}

/** An award alone (the fallback): awardPoints in a savepoint; a key that raced past the lock is answered from its entry. */
async function awardOne(tx: Db, call: Extract<PointsCall, { kind: "award" }>, member: string, now: Date): Promise<PointsOperationDto> {
  const workspaceId = call.ctx.workspaceId;
  try {
    const r = await tx.transaction((sp) => awardPointsOnce(sp, { workspaceId, profileId: member, ...call.award }, now));
    return { entry: toEntryDto(r.entry), balance: toBalanceDto(r.account), replayed: r.replayed };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    const existing = await findEntryByKey(tx, workspaceId, call.award.idempotencyKey);
    if (!existing) throw error;
    return replayOf(call.award.idempotencyKey, requestOf(call, member), existing, await readAccount(tx, workspaceId, member));
  }
}

export function pointsGroupWork(clock: Clock): GroupWork<PointsCall, PointsOperationDto> {
  return {
    // One member's calls share a lane (and its order); lanes lock accounts in key order, so they never wait in a cycle.
    laneKey: (call) => `${call.ctx.workspaceId} ${call.profileId}`,
    async batch(tx, calls) {
      const now = clock.now();
      const outcomes: CallOutcome<PointsOperationDto>[] = new Array(calls.length);
      const byWorkspace = new Map<string, number[]>();
      calls.forEach((c, i) => {
        const indexes = byWorkspace.get(c.ctx.workspaceId);
        if (indexes) indexes.push(i);
        else byWorkspace.set(c.ctx.workspaceId, [i]);
      });
      // Workspaces in key order, so accounts are locked in (workspace, profile) order across the batch.
      for (const workspaceId of [...byWorkspace.keys()].sort()) await runWorkspace(tx, clock, workspaceId, calls, byWorkspace.get(workspaceId)!, outcomes, now);
      return outcomes;
    },
    async one(tx, call) {
      const now = clock.now();
      const member = (await resolveLiveProfiles(tx, call.ctx.workspaceId, [call.profileId])).get(call.profileId);
      if (!member) throw notFound();
      switch (call.kind) {
        case "award":
          return awardOne(tx, call, member, now);
        case "adjust":
          return adjustOne(tx, clock, call.ctx, member, call.body, now);
        case "redeem":
          return redeemOne(tx, call.ctx, member, call.body, now);
      }
    },
  };
}
