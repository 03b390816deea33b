import type { Db } from "@siyu/storage";
import type { CheckInCalendarDto, CheckInResultDto, GrantMakeUpCardsBody, MakeUpCardsDto } from "@siyu/contracts";
import { appendAuditEntry } from "../../audit";
import type { Clock } from "../../shared/clock";
import { systemContext, type WorkspaceContext } from "../../shared/context";
import { isUniqueViolation } from "../../shared/domain-error";
import { localDay } from "../../shared/local-time";
import { loadSettings } from "../loyalty.settings";
import { workspaceTimeZone } from "../loyalty-workspace";
import { readAccount } from "../points/points.service";
import { cardsHeld, checkInCalendar, grantMakeUpCards, recordCheckIn, type CheckInSource, type RecordedCheckIn } from "./check-ins.ledger";

export interface CheckInsDeps {
  db: Db;
  clock: Clock;
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
}

export interface CheckInRequest {
  idempotencyKey?: string;
  /** Who asks: the member (member API), or an operator / admin key (its context, for the audit entry). */
  source: CheckInSource;
  operator?: WorkspaceContext;
}

/**
 * Daily check-ins and make-up cards. The methods take (workspaceId, profileId) so the member-facing API
 * calls them as they are; an operator's call passes its context and is audited in the same transaction.
 */
export function createCheckInsService(deps: CheckInsDeps) {
  const { db, clock } = deps;
  const live = (workspaceId: string, profileId: string, operator?: WorkspaceContext) => deps.resolveProfileId(operator ?? systemContext(workspaceId), profileId);

  async function record(workspaceId: string, profileId: string, kind: "check_in" | "make_up", day: string | null, request: CheckInRequest): Promise<CheckInResultDto> {
    const member = await live(workspaceId, profileId, request.operator);
    const now = clock.now();
    const run = (tx: Db) => recordInTx(tx, workspaceId, member, kind, day, request, now);
    let result: RecordedCheckIn;
    try {
      result = await db.transaction(run);
    } catch (error) {
      // A replay that raced past the lock (same key, another member's lock) is answered from the first.
      if (!request.idempotencyKey || !isUniqueViolation(error)) throw error;
      result = await db.transaction(run);
    }
    const [balance, cards] = await Promise.all([readAccount(db, workspaceId, member), cardsHeld(db, workspaceId, member)]);
    return { ...result, available: balance.available, makeUpCards: cards };
  }

  async function recordInTx(tx: Db, workspaceId: string, member: string, kind: "check_in" | "make_up", day: string | null, request: CheckInRequest, now: Date): Promise<RecordedCheckIn> {
    const [settings, timeZone] = await Promise.all([loadSettings(tx, workspaceId), workspaceTimeZone(tx, workspaceId)]);
    const today = localDay(now, timeZone);
    // "Make up" today is simply today's check-in.
    if (day === today) kind = "check_in";
    const result = await recordCheckIn(
      tx,
      {
        workspaceId,
        profileId: member,
        day: day ?? today,
        kind,
        source: request.source,
        idempotencyKey: request.idempotencyKey ?? null,
        actor: request.operator?.actor.name ?? null,
        settings,
        timeZone,
      },
      now,
    );
    if (request.operator && !result.replayed) {
      const c = result.checkIn;
      await appendAuditEntry(tx, clock, request.operator, {
        action: kind === "check_in" ? "loyalty.checked_in" : "loyalty.check_in_made_up",
        targetType: "customer",
        targetId: member,
        summary: `${kind === "check_in" ? "Checked in" : "Made up"} ${c.day}: +${c.points + c.bonus} points (streak ${c.streak})`,
        after: { day: c.day, streak: c.streak, points: c.points, bonus: c.bonus },
      });
    }
    return result;
  }

  return {
    /** Checks the member in for today (workspace-local); a second check-in the same day is loyalty.already_checked_in. */
    checkIn: (workspaceId: string, profileId: string, request: CheckInRequest) => record(workspaceId, profileId, "check_in", null, request),

    /** Fills a missed day with one make-up card: restores the streak, pays the make-up points, never a bonus (today: a plain check-in). */
    makeUp: (workspaceId: string, profileId: string, day: string, request: CheckInRequest) => record(workspaceId, profileId, "make_up", day, request),

    async calendar(workspaceId: string, profileId: string, month?: string, operator?: WorkspaceContext): Promise<CheckInCalendarDto> {
      const member = await live(workspaceId, profileId, operator);
      const [settings, timeZone] = await Promise.all([loadSettings(db, workspaceId), workspaceTimeZone(db, workspaceId)]);
      return checkInCalendar(db, { workspaceId, profileId: member, month: month ?? null, settings, timeZone }, clock.now());
    },

    /** An operator gives make-up cards with a reason (audited); tasks call grantMakeUpCards in their own transaction. */
    async grantCards(ctx: WorkspaceContext, profileId: string, body: GrantMakeUpCardsBody): Promise<MakeUpCardsDto> {
      const member = await live(ctx.workspaceId, profileId, ctx);
      const now = clock.now();
      return db.transaction(async (tx) => {
        const result = await grantMakeUpCards(
          tx,
          { workspaceId: ctx.workspaceId, profileId: member, count: body.count, reason: body.reason, source: ctx.actor.type === "api_key" ? "api" : "operator", idempotencyKey: body.idempotencyKey, actor: ctx.actor.name },
          now,
        );
        if (!result.replayed) {
          await appendAuditEntry(tx, clock, ctx, {
            action: "loyalty.makeup_cards_granted",
            targetType: "customer",
            targetId: member,
            summary: `+${body.count} make-up card(s): ${body.reason}`,
            before: { makeUpCards: result.held - body.count },
            after: { makeUpCards: result.held },
          });
        }
        return { profileId: member, makeUpCards: result.held, replayed: result.replayed };
      });
    },
  };
}
export type CheckInsService = ReturnType<typeof createCheckInsService>;
