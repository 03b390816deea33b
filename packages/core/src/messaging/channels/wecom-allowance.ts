import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { newId } from "../../shared/ids";
import { localParts, zonedMidnight } from "../../shared/local-time";
import { rows } from "../../shared/sql-rows";
import type { DeliveryResult } from "./channel";
import { PROVIDER_TIME_ZONE } from "./provider-support";

export interface WecomLimits {
  /** Mass messages one customer may receive per Beijing day / week (from Monday) / month; null = no limit. */
  perCustomerPerDay: number | null;
  perCustomerPerWeek: number | null;
  perCustomerPerMonth: number | null;
  /** Messages one staff member may send per rolling minute / hour. */
  senderPerMinute: number;
  senderPerHour: number;
}

export interface WecomReservation {
  workspaceId: string;
  messageId: string;
  sender: string;
  externalUserid: string;
}

/** Rows older than the longest window (a month) are no longer counted. */
const KEEP_MS = 35 * 86_400_000;

function periodStarts(now: Date) {
  const p = localParts(now, PROVIDER_TIME_ZONE);
  return {
    day: zonedMidnight(p.year, p.month, p.day, PROVIDER_TIME_ZONE),
    week: zonedMidnight(p.year, p.month, p.day - (p.weekday - 1), PROVIDER_TIME_ZONE),
    month: zonedMidnight(p.year, p.month, 1, PROVIDER_TIME_ZONE),
  };
}

/** A message's standing reservation: an earlier attempt reached WeCom's add_msg_template, or may have. */
export interface EarlierWecomSend {
  sender: string;
  externalUserid: string;
  reservedAt: Date;
}

/** The message's own reservation, if an earlier attempt left one (a definite refusal gives it back). */
export async function earlierWecomSend(db: Db, workspaceId: string, messageId: string): Promise<EarlierWecomSend | null> {
  const [row] = await rows<{ sender: string; external_userid: string; reserved_at: string | Date }>(
    db,
    sql`select sender, external_userid, reserved_at from messaging_wecom_sends where workspace_id = ${workspaceId}::uuid and message_id = ${messageId}`,
  );
  return row ? { sender: row.sender, externalUserid: row.external_userid, reservedAt: new Date(row.reserved_at) } : null;
}

/**
 * Of `msgids`, the WeCom tasks already recorded as another message's (its provider id) for the same
 * customer: the same text sent to one customer twice within minutes must not be taken for this
 * message's task. Read through the customer's rows (the messages_profile index).
 */
export async function wecomTasksOfOtherMessages(db: Db, message: { workspaceId: string; profileId: string; id: string }, msgids: readonly string[]): Promise<Set<string>> {
  if (msgids.length === 0) return new Set();
  const taken = await rows<{ provider_id: string }>(
    db,
    sql`select provider_id from messages where workspace_id = ${message.workspaceId}::uuid and profile_id = ${message.profileId}::uuid
        and channel = 'wecom' and id <> ${message.id}::uuid and provider_id = any(array(select jsonb_array_elements_text(${JSON.stringify(msgids)}::jsonb)))`,
  );
  return new Set(taken.map((r) => r.provider_id));
}

/**
 * Reserves one send, or says why not: the customer's allowance is used up (failed, "send allowance
 * exhausted") or the staff member is at a rate limit (retry when the oldest send in the window
 * leaves it). A message whose earlier attempt is known not to have created a task first gives up its
 * own earlier reservation, so a message never holds two. Serialised per workspace with a
 * transaction-scoped advisory lock, so processes sharing the database never over-reserve.
 */
export async function reserveWecomSend(db: Db, r: WecomReservation, limits: WecomLimits, now: Date): Promise<{ ok: true } | { ok: false; result: DeliveryResult }> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`wecom-sends:${r.workspaceId}`}, 0))`);
    await tx.execute(sql`delete from messaging_wecom_sends where workspace_id = ${r.workspaceId}::uuid and message_id = ${r.messageId}`);
    await tx.execute(sql`delete from messaging_wecom_sends where workspace_id = ${r.workspaceId}::uuid and external_userid = ${r.externalUserid}
      and reserved_at < ${new Date(now.getTime() - KEEP_MS).toISOString()}::timestamptz`);

    const starts = periodStarts(now);
    const earliest = new Date(Math.min(starts.week.getTime(), starts.month.getTime()));
    const [counts] = await rows<{ day: number | string; week: number | string; month: number | string }>(
      tx,
      sql`select count(*) filter (where reserved_at >= ${starts.day.toISOString()}::timestamptz) as day,
                 count(*) filter (where reserved_at >= ${starts.week.toISOString()}::timestamptz) as week,
                 count(*) filter (where reserved_at >= ${starts.month.toISOString()}::timestamptz) as month
          from messaging_wecom_sends
          where workspace_id = ${r.workspaceId}::uuid and external_userid = ${r.externalUserid} and reserved_at >= ${earliest.toISOString()}::timestamptz`,
    );
    for (const [period, limit, key] of [
      ["today", limits.perCustomerPerDay, "perCustomerPerDay"],
      ["this week", limits.perCustomerPerWeek, "perCustomerPerWeek"],
      ["this month", limits.perCustomerPerMonth, "perCustomerPerMonth"],
    ] as const) {
      const used = Number(counts?.[key === "perCustomerPerDay" ? "day" : key === "perCustomerPerWeek" ? "week" : "month"] ?? 0);
      if (limit !== null && used >= limit) {
        return { ok: false as const, result: { status: "failed" as const, error: `send allowance exhausted: the customer has received ${used} WeCom mass message(s) ${period} (${key} ${limit})` } };
      }
    }

    const recent = await rows<{ at: string | Date }>(
      tx,
      sql`select reserved_at as at from messaging_wecom_sends
          where workspace_id = ${r.workspaceId}::uuid and sender = ${r.sender} and reserved_at > ${new Date(now.getTime() - 3_600_000).toISOString()}::timestamptz
          order by reserved_at`,
    );
    const times = recent.map((row) => new Date(row.at).getTime());
    let waitMs = 0;
    const reasons: string[] = [];
    for (const [windowMs, limit, key] of [
      [60_000, limits.senderPerMinute, "senderPerMinute"],
      [3_600_000, limits.senderPerHour, "senderPerHour"],
    ] as const) {
      const inWindow = times.filter((t) => t > now.getTime() - windowMs);
      if (inWindow.length >= limit) {
        // The window has room again once enough of its oldest sends have left it.
        const leaving = inWindow[inWindow.length - limit]!;
        waitMs = Math.max(waitMs, leaving + windowMs - now.getTime());
        reasons.push(`${inWindow.length} sent (${key} ${limit})`);
      }
    }
    if (waitMs > 0) {
      return { ok: false as const, result: { status: "retry" as const, error: `wecom sender ${r.sender} at its limit: ${reasons.join(", ")}`, retryAfterMs: waitMs } };
    }

    await tx.execute(sql`insert into messaging_wecom_sends (id, workspace_id, message_id, sender, external_userid, reserved_at)
      values (${newId()}::uuid, ${r.workspaceId}::uuid, ${r.messageId}, ${r.sender}, ${r.externalUserid}, ${now.toISOString()}::timestamptz)`);
    return { ok: true as const };
  });
}

/** Gives a reservation back when WeCom definitely did not take the message. */
export async function releaseWecomSend(db: Db, workspaceId: string, messageId: string): Promise<void> {
  await db.execute(sql`delete from messaging_wecom_sends where workspace_id = ${workspaceId}::uuid and message_id = ${messageId}`);
}
