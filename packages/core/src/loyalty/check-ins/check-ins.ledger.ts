import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { CheckInCalendarDto, CheckInDto, LoyaltySettings } from "@siyu/contracts";
import { profilesMergedInto } from "../../profiles";
import { newId } from "../../shared/ids";
import { addLocalDays, localDay } from "../../shared/local-time";
import { loyaltyErrors } from "../loyalty.errors";
import { expiryOf, lockAccount, rows } from "../points/points.ledger";
import { awardPoints, earnBatch, readAccounts, type BatchEarn } from "../points/points.award";
import { runEndingAt, streakBonusOf } from "./check-in.rules";

/**
 * Check-ins inside the caller's transaction. Every writer of a member's check-ins and make-up cards first
 * takes the member's points-account lock (the loyalty lock of that member), so a day is judged, recorded
 * and paid by one writer at a time; the unique (workspace, profile, day) index backs it up.
 *
 * A member is a live profile with the profiles merged into it: their checked days, streaks and make-up
 * cards are read together (`ownedBy`), so a merge neither loses a day nor lets one be checked twice.
 * Rows keep the profile that wrote them; new ones are written for the live profile.
 */

export type CheckInSource = "operator" | "api" | "member" | "event";

export interface RecordCheckInInput {
  workspaceId: string;
  profileId: string;
  /** The workspace-local day to record (today for a check-in; a missed day for a make-up). */
  day: string;
  kind: "check_in" | "make_up";
  source: CheckInSource;
  idempotencyKey: string | null;
  actor: string | null;
  settings: LoyaltySettings;
  timeZone: string;
}

export interface RecordedCheckIn {
  checkIn: CheckInDto;
  entryId: string | null;
  replayed: boolean;
}

interface CheckInRow {
  id: string;
  profile_id: string;
  day: string;
  kind: "check_in" | "make_up";
  streak: number;
  points: number;
  bonus: number;
  entry_id: string | null;
  source: string;
  created_at: string | Date;
}

function toCheckInDto(r: CheckInRow): CheckInDto {
  return {
    id: r.id,
    profileId: r.profile_id,
    day: dayText(r.day),
    kind: r.kind,
    streak: Number(r.streak),
    points: Number(r.points),
    bonus: Number(r.bonus),
    source: r.source,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

// Drivers return a date column as "YYYY-MM-DD" or as a Date at UTC midnight.
export function dayText(v: unknown): string {
  return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
}

const COLUMNS = sql`id, profile_id, day, kind, streak, points, bonus, entry_id, source, created_at`;

/** Rows of the member: the live profile `profileId` and the profiles merged into it. */
const ownedBy = (workspaceId: string, profileId: string) => sql`profile_id = any(array(select id from ${profilesMergedInto(workspaceId, [profileId])} m))`;

/** Records a check-in or a make-up of one day and pays its points, once. */
export async function recordCheckIn(tx: Db, input: RecordCheckInInput, now: Date): Promise<RecordedCheckIn> {
  const { workspaceId, profileId, day, settings } = input;
  const rules = settings.checkIns;
  await lockAccount(tx, workspaceId, profileId, now);
  // One read finds a replay (same key) and a day already taken.
  const found = await rows<CheckInRow & { idempotency_key: string | null; owned: boolean }>(
    tx,
    sql`select ${COLUMNS}, idempotency_key, ${ownedBy(workspaceId, profileId)} as owned from check_ins where workspace_id = ${workspaceId}::uuid
        and ((${ownedBy(workspaceId, profileId)} and day = ${day}::date) or idempotency_key = ${input.idempotencyKey})`,
  );
  if (input.idempotencyKey !== null) {
    const first = found.find((r) => r.idempotency_key === input.idempotencyKey);
    if (first) {
      if (!first.owned || first.kind !== input.kind) {
        throw loyaltyErrors.error("loyalty.idempotency_conflict", `Idempotency key "${input.idempotencyKey}" was used for a different request`);
      }
      return { checkIn: toCheckInDto(first), entryId: first.entry_id, replayed: true };
    }
  }
  if (!rules.enabled) throw loyaltyErrors.error("loyalty.check_ins_disabled", "Check-ins are switched off in the loyalty settings");
  const today = localDay(now, input.timeZone);
  if (input.kind === "make_up") {
    const earliest = addLocalDays(today, -rules.makeUp.windowDays);
    if (day >= today || day < earliest) {
      throw loyaltyErrors.error("loyalty.makeup_not_allowed", `Only a missed day from ${earliest} to ${addLocalDays(today, -1)} can be made up`, { earliest, latest: addLocalDays(today, -1) });
    }
  }
  if (found.some((r) => r.owned && dayText(r.day) === day)) {
    throw loyaltyErrors.error("loyalty.already_checked_in", `${day} is already checked in`, { day });
  }
  if (input.kind === "make_up") {
    const held = await cardsHeld(tx, workspaceId, profileId);
    if (held < 1) throw loyaltyErrors.error("loyalty.no_makeup_card", "The member holds no make-up card");
  }
  const streak = (await streakEndingAt(tx, workspaceId, profileId, addLocalDays(day, -1))) + 1;
  // A make-up restores the streak but never pays a bonus: bonuses are judged when a day is checked in.
  const bonus = input.kind === "check_in" ? streakBonusOf(rules, streak) : 0;
  const points = input.kind === "check_in" ? rules.basePoints : rules.makeUp.points;
  const id = newId();
  let entryId: string | null = null;
  if (points + bonus > 0) {
    const entry = await awardPoints(
      tx,
      {
        workspaceId,
        profileId,
        points: points + bonus,
        source: "check_in",
        reason: input.kind === "check_in" ? `Check-in ${day} (streak ${streak}${bonus > 0 ? `, +${bonus} bonus` : ""})` : `Make-up of ${day}`,
        idempotencyKey: `check_in:${profileId}:${day}`,
        metadata: { checkInId: id, day, kind: input.kind, streak, bonus },
        actor: input.actor,
        settings,
        timeZone: input.timeZone,
      },
      now,
    );
    entryId = entry.id;
  }
  const [row] = await rows<CheckInRow>(
    tx,
    sql`insert into check_ins (id, workspace_id, profile_id, day, kind, streak, points, bonus, entry_id, source, idempotency_key, actor, created_at)
        values (${id}::uuid, ${workspaceId}::uuid, ${profileId}::uuid, ${day}::date, ${input.kind}, ${streak}, ${points}, ${bonus}, ${entryId}::uuid,
          ${input.source}, ${input.idempotencyKey}, ${input.actor}, ${now.toISOString()}::timestamptz)
        returning ${COLUMNS}`,
  );
  if (input.kind === "make_up") {
    await tx.execute(sql`
      insert into makeup_card_entries (id, workspace_id, profile_id, delta, reason, source, idempotency_key, day, actor, created_at)
      values (${newId()}::uuid, ${workspaceId}::uuid, ${profileId}::uuid, -1, ${`made up ${day}`}, ${input.source}, ${`make_up:${id}`}, ${day}::date,
        ${input.actor}, ${now.toISOString()}::timestamptz)`);
  }
  return { checkIn: toCheckInDto(row!), entryId, replayed: false };
}

/** The member's consecutive checked days ending at `day` (0 when `day` itself is not checked). */
export async function streakEndingAt(tx: Db, workspaceId: string, profileId: string, day: string): Promise<number> {
  const [r] = await rows<{ streak: string | number }>(
    tx,
    sql`select count(*) as streak from (
          select day, row_number() over (order by day desc) as rn from (
            select distinct day from check_ins where workspace_id = ${workspaceId}::uuid and ${ownedBy(workspaceId, profileId)} and day <= ${day}::date) d) x
        where (${day}::date - x.day) = x.rn - 1`,
  );
  return Number(r?.streak ?? 0);
}

export async function cardsHeld(db: Db, workspaceId: string, profileId: string): Promise<number> {
  const [r] = await rows<{ held: string | number | null }>(
    db,
    sql`select coalesce(sum(delta), 0) as held from makeup_card_entries where workspace_id = ${workspaceId}::uuid and ${ownedBy(workspaceId, profileId)}`,
  );
  return Number(r?.held ?? 0);
}

export interface GrantCardsInput {
  workspaceId: string;
  profileId: string;
  count: number;
  reason: string;
  /** operator, task, badge … */
  source: string;
  idempotencyKey: string;
  actor: string | null;
}

/** Gives a member make-up cards, once per key. Returns the cards held after it. */
export async function grantMakeUpCards(tx: Db, input: GrantCardsInput, now: Date): Promise<{ held: number; replayed: boolean }> {
  await lockAccount(tx, input.workspaceId, input.profileId, now);
  const [first] = await rows<{ owned: boolean; delta: number }>(
    tx,
    sql`select ${ownedBy(input.workspaceId, input.profileId)} as owned, delta from makeup_card_entries
        where workspace_id = ${input.workspaceId}::uuid and idempotency_key = ${input.idempotencyKey}`,
  );
  if (first && (!first.owned || Number(first.delta) !== input.count)) {
    throw loyaltyErrors.error("loyalty.idempotency_conflict", `Idempotency key "${input.idempotencyKey}" was used for a different request`);
  }
  if (!first) {
    await tx.execute(sql`
      insert into makeup_card_entries (id, workspace_id, profile_id, delta, reason, source, idempotency_key, actor, created_at)
      values (${newId()}::uuid, ${input.workspaceId}::uuid, ${input.profileId}::uuid, ${input.count}, ${input.reason}, ${input.source}, ${input.idempotencyKey},
        ${input.actor}, ${now.toISOString()}::timestamptz)`);
  }
  return { held: await cardsHeld(tx, input.workspaceId, input.profileId), replayed: Boolean(first) };
}

/** A member's month of check-ins, streaks, cards and the missed days a card may still fill. */
export async function checkInCalendar(
  db: Db,
  input: { workspaceId: string; profileId: string; month: string | null; settings: LoyaltySettings; timeZone: string },
  now: Date,
): Promise<CheckInCalendarDto> {
  const today = localDay(now, input.timeZone);
  const month = input.month ?? today.slice(0, 7);
  // A day two merged profiles both checked shows once (the first recorded).
  const all = await rows<{ day: unknown; kind: "check_in" | "make_up"; points: number; bonus: number }>(
    db,
    sql`select distinct on (day) day, kind, points, bonus from check_ins
        where workspace_id = ${input.workspaceId}::uuid and ${ownedBy(input.workspaceId, input.profileId)} order by day, created_at, id`,
  );
  const days = all.map((r) => ({ day: dayText(r.day), kind: r.kind, points: Number(r.points), bonus: Number(r.bonus) }));
  const checked = new Set(days.map((d) => d.day));
  const previous = (d: string) => addLocalDays(d, -1);
  let longest = 0;
  let run = 0;
  days.forEach((d, i) => {
    run = i > 0 && days[i - 1]!.day === previous(d.day) ? run + 1 : 1;
    longest = Math.max(longest, run);
  });
  const checkedInToday = checked.has(today);
  const rules = input.settings.checkIns;
  const makeUpDays: string[] = [];
  if (rules.enabled) {
    for (let d = addLocalDays(today, -rules.makeUp.windowDays); d < today; d = addLocalDays(d, 1)) if (!checked.has(d)) makeUpDays.push(d);
  }
  return {
    profileId: input.profileId,
    month,
    today,
    checkedInToday,
    days: days.filter((d) => d.day.startsWith(`${month}-`)),
    currentStreak: runEndingAt(checked, checkedInToday ? today : previous(today), previous),
    longestStreak: longest,
    makeUpCards: await cardsHeld(db, input.workspaceId, input.profileId),
    makeUpDays,
  };
}

export interface EventCheckIn {
  profileId: string;
  messageId: string;
  at: Date;
}

/**
 * Check-ins sent as events, set-based: the members' checked days and the keys already used are read in
 * two statements, each event is judged in log order in memory (a day already checked is skipped; the
 * streak counts the days before it, those of this batch included), then the points and the rows are
 * written in four. Same rules as recordCheckIn; the points count as earned at the event's time.
 * The caller holds the members' account locks.
 */
export async function recordEventCheckIns(tx: Db, workspaceId: string, settings: LoyaltySettings, timeZone: string, events: readonly EventCheckIn[], now: Date): Promise<number> {
  if (events.length === 0) return 0;
  const rules = settings.checkIns;
  const keys = JSON.stringify(events.map((e) => `event:${e.messageId}`));
  // Each member's checked days, those of the profiles merged into them included.
  const checked = new Map<string, Set<string>>();
  const members = profilesMergedInto(workspaceId, [...new Set(events.map((e) => e.profileId))]);
  for (const r of await rows<{ live_id: string; day: unknown }>(
    tx,
    sql`with m as materialized (select id, live_id from ${members} x)
        select m.live_id, c.day from check_ins c join m on m.id = c.profile_id
        where c.workspace_id = ${workspaceId}::uuid and c.profile_id = any(array(select id from m))`,
  )) {
    checked.set(r.live_id, (checked.get(r.live_id) ?? new Set()).add(dayText(r.day)));
  }
  const used = new Set(
    (
      await rows<{ idempotency_key: string }>(
        tx,
        sql`select idempotency_key from check_ins where workspace_id = ${workspaceId}::uuid and idempotency_key = any(array(select jsonb_array_elements_text(${keys}::jsonb)))`,
      )
    ).map((r) => r.idempotency_key),
  );
  const earns: BatchEarn[] = [];
  const recorded: Record<string, unknown>[] = [];
  for (const e of events) {
    const key = `event:${e.messageId}`;
    const day = localDay(e.at, timeZone);
    const days = checked.get(e.profileId) ?? new Set<string>();
    checked.set(e.profileId, days);
    if (used.has(key) || days.has(day)) continue;
    used.add(key);
    const streak = runEndingAt(days, addLocalDays(day, -1), (d) => addLocalDays(d, -1)) + 1;
    days.add(day);
    const bonus = streakBonusOf(rules, streak);
    const id = newId();
    recorded.push({ id, profile_id: e.profileId, day, streak, points: rules.basePoints, bonus, idempotency_key: key, earn: rules.basePoints + bonus > 0 ? earns.length : null });
    if (rules.basePoints + bonus > 0) {
      earns.push({
        profileId: e.profileId,
        points: rules.basePoints + bonus,
        source: "check_in",
        reason: `Check-in ${day} (streak ${streak}${bonus > 0 ? `, +${bonus} bonus` : ""})`,
        idempotencyKey: `check_in:${e.profileId}:${day}`,
        earnedAt: e.at,
        expiresAt: expiryOf(settings, e.at, timeZone),
        pendingUntil: null,
        metadata: { checkInId: id, day, kind: "check_in", streak, bonus },
      });
    }
  }
  if (recorded.length === 0) return 0;
  const entryIds = await earnBatch(tx, workspaceId, await readAccounts(tx, workspaceId, [...new Set(earns.map((x) => x.profileId))]), earns, now);
  const withEntries = recorded.map(({ earn, ...r }) => ({ ...r, entry_id: earn === null ? null : entryIds[earn as number] }));
  await tx.execute(sql`
    insert into check_ins (id, workspace_id, profile_id, day, kind, streak, points, bonus, entry_id, source, idempotency_key, actor, created_at)
    select x.id, ${workspaceId}::uuid, x.profile_id, x.day, 'check_in', x.streak, x.points, x.bonus, x.entry_id, 'event', x.idempotency_key, null, ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(withEntries)}::jsonb)
      as x(id uuid, profile_id uuid, day date, streak int, points int, bonus int, entry_id uuid, idempotency_key text)`);
  return recorded.length;
}
