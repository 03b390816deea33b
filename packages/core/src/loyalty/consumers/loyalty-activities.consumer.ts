import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { ActivityRule, LoyaltySettings } from "@siyu/contracts";
import { consumeEventBatch, consumerPosition, type LoggedEvent } from "../../events";
import { PROFILE_PROJECTOR } from "../../profiles";
import type { Clock } from "../../shared/clock";
import { localDay } from "../../shared/local-time";
import { loadSettings } from "../loyalty.settings";
import { workspaceTimeZone } from "../loyalty-workspace";
import { expiryOf, rows } from "../points/points.ledger";
import { dropAccountsLeftEmpty, earnBatch, lockAccountsInKeyOrder, readAccounts, usedKeys, type BatchEarn } from "../points/points.award";
import { dayText, recordEventCheckIns } from "../check-ins/check-ins.ledger";
import { awardWithinCaps, capCounterKeys, matchesRule, type CapCounters } from "./activity-rules";
import { ownersOf } from "./event-owners";

export const LOYALTY_ACTIVITIES_CONSUMER = "loyalty.activities";

/**
 * Points for what members do (share, review, UGC, task, referral …) by the activity rules in the loyalty
 * settings, and check-ins sent as events. Exactly once: it runs in the event consumer's transaction (its
 * offset commits with the points), each award's key is `activity:<rule>:<message id>`, and it never
 * reads past the profile projector, so every event is anchored to its profile.
 */
export async function runLoyaltyActivitiesBatch(db: Db, clock: Clock, limit = 1000): Promise<number> {
  return consumeEventBatch(db, LOYALTY_ACTIVITIES_CONSUMER, limit, (tx, events) => handleActivityEvents(tx, events, clock), {
    upTo: (tx) => consumerPosition(tx, PROFILE_PROJECTOR),
  });
}

interface WorkspaceRules {
  settings: LoyaltySettings;
  timeZone: string;
  rules: ActivityRule[];
  checkInEvent: string | null;
}

async function handleActivityEvents(tx: Db, events: LoggedEvent[], clock: Clock): Promise<void> {
  const tracked = events.filter((e) => e.type === "track" && e.event !== null);
  if (tracked.length === 0) return;
  const now = clock.now();
  const contexts = new Map<string, WorkspaceRules>();
  for (const ws of new Set(tracked.map((e) => e.workspaceId))) {
    const settings = await loadSettings(tx, ws);
    contexts.set(ws, {
      settings,
      timeZone: await workspaceTimeZone(tx, ws),
      rules: settings.activities.rules.filter((r) => r.enabled),
      checkInEvent: settings.checkIns.enabled ? settings.checkIns.event : null,
    });
  }
  const relevant = tracked.filter((e) => {
    const wc = contexts.get(e.workspaceId)!;
    return e.event === wc.checkInEvent || wc.rules.some((r) => r.event === e.event);
  });
  if (relevant.length === 0) return;
  const owners = await ownersOf(tx, relevant.map((e) => e.seq));
  const owned = relevant.filter((e) => owners.has(e.seq));
  const locked = await lockAccountsInKeyOrder(tx, owned.map((e) => ({ workspaceId: e.workspaceId, profileId: owners.get(e.seq)!.profileId })), now);
  for (const [workspaceId, wc] of contexts) {
    const mine = owned.filter((e) => e.workspaceId === workspaceId);
    if (mine.length === 0) continue;
    await awardActivities(tx, workspaceId, wc, mine, owners, now);
    await recordEventCheckIns(
      tx,
      workspaceId,
      wc.settings,
      wc.timeZone,
      mine.filter((e) => e.event === wc.checkInEvent).map((e) => ({ profileId: owners.get(e.seq)!.profileId, messageId: e.messageId, at: e.ts })),
      now,
    );
  }
  await dropAccountsLeftEmpty(tx, locked);
}

interface Candidate {
  e: LoggedEvent;
  rule: ActivityRule;
  profileId: string;
  day: string;
  key: string;
}

/**
 * The activity awards of one workspace's events, set-based: the keys already used and the cap counters
 * are read in three statements, every event is judged in memory in log order (caps counted across the
 * batch), then the earns and the award rows are written in four.
 */
async function awardActivities(tx: Db, workspaceId: string, wc: WorkspaceRules, events: LoggedEvent[], owners: Map<number, { profileId: string }>, now: Date) {
  const candidates: Candidate[] = [];
  for (const e of events) {
    const properties = (typeof e.payload.properties === "object" && e.payload.properties !== null ? e.payload.properties : {}) as Record<string, unknown>;
    for (const rule of wc.rules) {
      if (rule.event !== e.event || !matchesRule(rule, properties)) continue;
      candidates.push({ e, rule, profileId: owners.get(e.seq)!.profileId, day: localDay(e.ts, wc.timeZone), key: `activity:${rule.code}:${e.messageId}` });
    }
  }
  if (candidates.length === 0) return;
  const done = await usedKeys(tx, workspaceId, candidates.map((c) => c.key));
  const counters = await readCounters(tx, workspaceId, candidates);
  const earns: BatchEarn[] = [];
  const awards: { rule_code: string; message_id: string; profile_id: string; day: string; points: number }[] = [];
  for (const c of candidates) {
    if (done.has(c.key)) continue;
    done.add(c.key);
    const points = awardWithinCaps(c.rule, counters, c.profileId, c.day);
    if (points <= 0) continue;
    earns.push({
      profileId: c.profileId,
      points,
      source: "activity",
      reason: `${c.rule.name}: ${c.e.event}`,
      idempotencyKey: c.key,
      earnedAt: c.e.ts,
      expiresAt: expiryOf(wc.settings, c.e.ts, wc.timeZone),
      pendingUntil: null,
      metadata: { rule: c.rule.code, messageId: c.e.messageId, day: c.day, capped: points < c.rule.points },
    });
    awards.push({ rule_code: c.rule.code, message_id: c.e.messageId, profile_id: c.profileId, day: c.day, points });
  }
  if (earns.length === 0) return;
  const accounts = await readAccounts(tx, workspaceId, [...new Set(earns.map((x) => x.profileId))]);
  const entryIds = await earnBatch(tx, workspaceId, accounts, earns, now);
  await tx.execute(sql`
    insert into activity_awards (workspace_id, rule_code, message_id, profile_id, day, points, entry_id, created_at)
    select ${workspaceId}::uuid, x.rule_code, x.message_id, x.profile_id, x.day, x.points, x.entry_id, ${now.toISOString()}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(awards.map((a, i) => ({ ...a, entry_id: entryIds[i] })))}::jsonb)
      as x(rule_code text, message_id text, profile_id uuid, day date, points int, entry_id uuid)`);
}

/** What the candidates' members and rules have already been awarded on their days and months, and each rule on each day. */
async function readCounters(tx: Db, workspaceId: string, candidates: Candidate[]): Promise<CapCounters> {
  const counters: CapCounters = new Map();
  const add = (key: string, count: number, points: number) => {
    const c = counters.get(key) ?? { count: 0, points: 0 };
    counters.set(key, { count: c.count + count, points: c.points + points });
  };
  const ids = `{${[...new Set(candidates.map((c) => c.profileId))].join(",")}}`;
  const codes = JSON.stringify([...new Set(candidates.map((c) => c.rule.code))]);
  const days = candidates.map((c) => c.day).sort();
  // Whole months: an event sent late (its day earlier than awards already given) still counts them all.
  const from = `${days[0]!.slice(0, 7)}-01`;
  const lastMonth = `${days[days.length - 1]!.slice(0, 7)}-01`;
  for (const r of await rows<{ profile_id: string; rule_code: string; day: unknown; n: string | number; points: string | number }>(
    tx,
    sql`select profile_id, rule_code, day, count(*) as n, sum(points) as points from activity_awards
        where workspace_id = ${workspaceId}::uuid and profile_id = any(${ids}::uuid[]) and rule_code in (select jsonb_array_elements_text(${codes}::jsonb))
          and day >= ${from}::date and day < (${lastMonth}::date + interval '1 month')::date
        group by profile_id, rule_code, day`,
  )) {
    const keys = capCounterKeys(r.rule_code, r.profile_id, dayText(r.day));
    add(keys.memberDay, Number(r.n), Number(r.points));
    add(keys.memberMonth, Number(r.n), Number(r.points));
  }
  for (const r of await rows<{ rule_code: string; day: unknown; n: string | number; points: string | number }>(
    tx,
    sql`select rule_code, day, count(*) as n, sum(points) as points from activity_awards
        where workspace_id = ${workspaceId}::uuid and rule_code = any(array(select jsonb_array_elements_text(${codes}::jsonb)))
          and day = any(array(select jsonb_array_elements_text(${JSON.stringify([...new Set(days)])}::jsonb)::date))
        group by rule_code, day`,
  )) {
    add(capCounterKeys(r.rule_code, "", dayText(r.day)).ruleDay, Number(r.n), Number(r.points));
  }
  return counters;
}
