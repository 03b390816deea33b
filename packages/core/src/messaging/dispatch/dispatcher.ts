import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { Channel, MessagingSettings, SuppressionReason, TemplateContent } from "@siyu/contracts";
import type { Clock } from "../../shared/clock";
import { startOfLocalDay, localDay } from "../../shared/local-time";
import { rows } from "../../shared/sql-rows";
import { DEFAULT_TIME_ZONE } from "../../workspaces";
import type { DeliveryResult, OutgoingMessage } from "../channels/channel";
import type { ChannelAdapters } from "../channels/registry";
import { messagingSettingsStore } from "../messaging.settings";
import { signUnsubscribeToken, unsubscribeSecret } from "../unsubscribe/unsubscribe-token";
import { loadProfileFacts, type ProfileFacts } from "./profile-facts";
import { quietHoursEnd } from "./quiet-hours";
import { renderRow, type TemplateRow } from "./render-row";
import { HANDED_OVER_STATUSES } from "../outbox/sent-counts";

export interface DispatchOptions {
  /** The server's public URL, for `{{ unsubscribe_url }}` (…/u/<token>). */
  publicUrl?: string;
  /** How long a row stays `sending` before a dispatcher that lost it (crashed) may take it again. */
  leaseMs?: number;
  /** Called for each message handed to its channel, with the seconds since its trigger. */
  onHandedOver?: (sample: { channel: Channel; seconds: number }) => void;
  /**
   * The store runs one transaction at a time (the embedded store): no other dispatcher can take the
   * same rows or count the same caps meanwhile, so the claim takes no row locks and the caps no
   * advisory locks (a row lock costs ≈ 48 µs there, 5 ms a batch of 100).
   */
  oneConnection?: boolean;
}

export interface DispatchReport {
  /** Rows taken this batch (0: nothing due; the worker sleeps). */
  taken: number;
  delivered: number;
  pendingConfirmation: number;
  retried: number;
  failed: number;
  suppressed: Partial<Record<SuppressionReason, number>>;
  held: number;
  /** Trigger → handed-to-channel latency of each message handed over, in seconds. */
  latencies: { channel: Channel; seconds: number }[];
}

const DEFAULT_LEASE_MS = 5 * 60_000;
const MAX_BACKOFF_MS = 24 * 3_600_000;
/** How the WeCom adapter words an exhausted per-customer allowance (wecom-allowance.ts). */
const SEND_ALLOWANCE_EXHAUSTED = "send allowance exhausted";
/** What a customer's caps count: what a channel took, and what is on its way to one. */
const COUNTED = ["sending", ...HANDED_OVER_STATUSES];

interface Row {
  id: string;
  workspace_id: string;
  profile_id: string;
  channel: Channel;
  category: "targeted" | "general" | "service";
  purpose: "marketing" | "service";
  template_id: string | null;
  address: string | null;
  variables: Record<string, unknown>;
  status: string;
  attempts: number;
  source_kind: string;
  journey_id: string | null;
  node_id: string | null;
  run_id: string | null;
  broadcast_id: string | null;
  created_at: string | Date;
  triggered_at: string | Date | null;
}

interface Judged {
  id: string;
  status: "suppressed" | "held" | "sending" | "delivered" | "failed";
  reason: SuppressionReason | null;
  dueAt: Date | null;
  address: string | null;
  rendered: TemplateContent | null;
  error: string | null;
}

const uuidArray = (ids: readonly string[]) => sql`${`{${ids.join(",")}}`}::uuid[]`;

/** Where a channel sends to, from the profile (or the row, for a webhook). */
function addressOf(row: Row, facts: ProfileFacts | undefined, config: Record<string, string>): string | null {
  switch (row.channel) {
    case "webhook":
      return row.address;
    case "inbox":
      return facts?.liveId ?? null;
    case "sms":
      return row.address ?? facts?.phone ?? null;
    case "email":
      return row.address ?? facts?.email ?? null;
    case "wecom":
      return row.address ?? facts?.identifiers.get("wecom_external_userid")?.[0] ?? null;
    case "wechat_subscribe":
    case "wechat_template": {
      if (row.address) return row.address;
      const appId = config.appId ?? config.appid ?? "";
      const openid = facts?.identifiers.get("wechat_openid")?.find((v) => appId !== "" && v.startsWith(`${appId}:`));
      return openid ? openid.slice(appId.length + 1) : null;
    }
    default:
      return null;
  }
}

/** Consent at send time: marketing needs a granted decision; service is refused only by an explicit refusal. */
function consentVerdict(facts: ProfileFacts | undefined, channel: Channel, purpose: "marketing" | "service"): SuppressionReason | null {
  const decision = facts?.consents.get(`${channel}/${purpose}`);
  if (purpose === "service") return decision === false ? "unsubscribed" : null;
  if (decision === true) return null;
  return decision === false ? "unsubscribed" : "no_consent";
}

function backoffMs(attempt: number, baseSeconds: number): number {
  return Math.min(MAX_BACKOFF_MS, baseSeconds * 1000 * 2 ** Math.max(0, attempt - 1));
}

/**
 * The due messages a pass takes, earliest first. It reads the `messages_due` index (due_at, id) in
 * order and stops at the batch: a long queue (a broadcast to a segment) costs no sort of every due row.
 * Run it through `inQueueOrder`: without statistics (a new store before its first analyse) the planner
 * reads every entry with `due_at ≤ now` into a bitmap (or, on the server, every message) and sorts
 * them — and a bitmap scan never marks the dead entries it meets (each sent message's queued version,
 * 60k a minute at 1,000 messages a second), so every claim visited all of them again: 6 ms and
 * growing at 55 s, where the index scan marks them once and then steps over them.
 */
export function claimDue(now: Date, limit: number, options: { oneConnection?: boolean } = {}) {
  return sql`select id, workspace_id, profile_id, channel, category, purpose, template_id, address, variables, status, attempts,
        source_kind, journey_id, node_id, run_id, broadcast_id, created_at, triggered_at
      from messages
      where status in ('queued', 'held', 'sending') and due_at <= ${now.toISOString()}::timestamptz
      order by due_at, id limit ${limit}${options.oneConnection ? sql`` : sql` for update skip locked`}`;
}

/**
 * Runs `claim` inside the transaction `tx` with the index as the planner's only way in (seq and
 * bitmap scans off for the transaction), then sets both back to what they were.
 */
async function inQueueOrder<T>(tx: Db, claim: () => Promise<T>): Promise<T> {
  const [before] = await rows<{ seqscan: string; bitmapscan: string }>(
    tx,
    sql`select s.seqscan, s.bitmapscan, set_config('enable_seqscan', 'off', true), set_config('enable_bitmapscan', 'off', true)
        from (select current_setting('enable_seqscan') as seqscan, current_setting('enable_bitmapscan') as bitmapscan offset 0) s`,
  );
  const result = await claim();
  await tx.execute(sql`select set_config('enable_seqscan', ${before!.seqscan}, true), set_config('enable_bitmapscan', ${before!.bitmapscan}, true)`);
  return result;
}

/**
 * One dispatcher pass: takes due `queued` / `held` rows (and `sending` rows whose lease ran out) with
 * FOR UPDATE SKIP LOCKED, judges each at send time — channel enabled, address, suppression list,
 * consent, daily caps, quiet hours, dry run, render — and commits the verdicts; then hands the
 * sendable ones to their channel and records each outcome. Any number of dispatchers may run.
 */
export async function runDispatchBatch(db: Db, clock: Clock, adapters: ChannelAdapters, limit = 200, options: DispatchOptions = {}): Promise<DispatchReport> {
  const report: DispatchReport = { taken: 0, delivered: 0, pendingConfirmation: 0, retried: 0, failed: 0, suppressed: {}, held: 0, latencies: [] };
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const settingsOf = new Map<string, MessagingSettings>();

  const toSend = await db.transaction(async (tx) => {
    const now = clock.now();
    const due = await inQueueOrder(tx, () => rows<Row>(tx, claimDue(now, limit, options)));
    report.taken = due.length;
    if (due.length === 0) return [];

    // The judging reads, one statement each for the whole batch.
    const workspaceIds = [...new Set(due.map((r) => r.workspace_id))];
    const workspaces = new Map(
      (await rows<{ id: string; name: string; timezone: string }>(tx, sql`select id, name, timezone from workspaces where id = any(${uuidArray(workspaceIds)})`)).map((w) => [w.id, w]),
    );
    for (const ws of workspaceIds) settingsOf.set(ws, await messagingSettingsStore.load(tx, ws));
    const templateIds = [...new Set(due.map((r) => r.template_id).filter((id): id is string => id !== null))];
    const templates = new Map(
      templateIds.length === 0
        ? []
        : (await rows<TemplateRow>(tx, sql`select id, channel, purpose, content, default_locale from message_templates where id = any(${uuidArray(templateIds)})`)).map((t) => [t.id, t]),
    );
    const facts = await loadProfileFacts(tx, due.map((r) => r.profile_id));
    const zoneOf = (ws: string) => workspaces.get(ws)?.timezone ?? DEFAULT_TIME_ZONE;

    const config = (r: Row) => settingsOf.get(r.workspace_id)?.channels[r.channel]?.config ?? {};
    const addresses = new Map(due.map((r) => [r.id, addressOf(r, facts.get(r.profile_id), config(r))]));
    const candidates = new Set<string>();
    for (const r of due) {
      candidates.add(r.profile_id);
      const live = facts.get(r.profile_id)?.liveId;
      if (live) candidates.add(live);
      const a = addresses.get(r.id);
      if (a) candidates.add(a.toLowerCase());
    }
    const suppressions = await rows<{ workspace_id: string; channel: string | null; address: string }>(
      tx,
      sql`select workspace_id, channel, lower(address) as address from messaging_suppressions
          where workspace_id = any(${uuidArray(workspaceIds)}) and lower(address) = any(array(select jsonb_array_elements_text(${JSON.stringify([...candidates])}::jsonb)))`,
    );
    const suppressed = (r: Row) => {
      const keys = new Set([r.profile_id, facts.get(r.profile_id)?.liveId, addresses.get(r.id)?.toLowerCase()].filter(Boolean));
      return suppressions.some((s) => s.workspace_id === r.workspace_id && (s.channel === null || s.channel === r.channel) && keys.has(s.address));
    };

    // Two dispatchers judging one customer's capped messages at once would each miss the other's
    // uncommitted sends: a transaction lock per customer (taken in order, so never a deadlock)
    // makes the second wait until the first has committed, and then count it.
    const capped = [...new Set(due.filter((r) => r.category !== "service" && r.channel !== "webhook").map((r) => r.profile_id))].sort();
    if (capped.length > 0 && !options.oneConnection) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended('messaging.caps:' || p::text, 0)) from (select unnest(${uuidArray(capped)}) as p order by 1) s`);
    }

    // Marketing messages already sent today (the workspace's local day), per profile, category and channel.
    // Joined on (workspace, profile) so each customer's rows come from the messages_profile index.
    const since = due.map((r) => ({
      workspace_id: r.workspace_id,
      profile_id: r.profile_id,
      since: startOfLocalDay(localDay(now, zoneOf(r.workspace_id)), zoneOf(r.workspace_id)).toISOString(),
    }));
    const counts = await rows<{ profile_id: string; category: string; channel: string; n: number }>(
      tx,
      sql`select m.profile_id, m.category, m.channel, count(*)::int as n
          from messages m
          join (select distinct workspace_id, profile_id, since from jsonb_to_recordset(${JSON.stringify(since)}::jsonb) as x(workspace_id uuid, profile_id uuid, since timestamptz)) x
            on m.workspace_id = x.workspace_id and m.profile_id = x.profile_id and m.sent_at >= x.since
          where m.status = any(${`{${COUNTED.join(",")}}`}::text[]) and m.category <> 'service' and m.channel <> 'webhook'
            and not (m.id = any(${uuidArray(due.map((r) => r.id))}))
          group by m.profile_id, m.category, m.channel`,
    );
    const tally = new Map<string, number>();
    const bump = (key: string, by = 1) => tally.set(key, (tally.get(key) ?? 0) + by);
    for (const c of counts) {
      bump(`${c.profile_id}/cat/${c.category}`, c.n);
      bump(`${c.profile_id}/ch/${c.channel}`, c.n);
    }

    const secrets = new Map<string, string>();
    for (const ws of workspaceIds) secrets.set(ws, await unsubscribeSecret(tx, ws, now));

    const judged: Judged[] = [];
    const sendable: { row: Row; judged: Judged }[] = [];
    for (const row of due) {
      const settings = settingsOf.get(row.workspace_id)!;
      const f = facts.get(row.profile_id);
      const template = row.template_id ? templates.get(row.template_id) : undefined;
      const purpose = template?.purpose ?? row.purpose;
      const address = addresses.get(row.id) ?? null;
      const verdict = (reason: SuppressionReason, rendered: TemplateContent | null = null, error: string | null = null): Judged => ({
        id: row.id,
        status: "suppressed",
        reason,
        dueAt: null,
        address,
        rendered,
        error,
      });
      const customerChannel = row.channel !== "webhook";
      const marketing = purpose === "marketing" && row.category !== "service";

      if (!settings.channels[row.channel]?.enabled) {
        judged.push(verdict("channel_disabled"));
        continue;
      }
      if (!address || (row.channel !== "webhook" && !f)) {
        judged.push(verdict("no_address"));
        continue;
      }
      if (suppressed(row)) {
        judged.push(verdict("suppression_list"));
        continue;
      }
      if (customerChannel) {
        const consent = consentVerdict(f, row.channel, purpose);
        if (consent) {
          judged.push(verdict(consent));
          continue;
        }
      }
      if (customerChannel && marketing) {
        const perDay = row.category === "targeted" ? settings.targetedPerDay : settings.generalPerDay;
        if ((tally.get(`${row.profile_id}/cat/${row.category}`) ?? 0) >= perDay) {
          judged.push(verdict("frequency_cap"));
          continue;
        }
        const cap = settings.channels[row.channel]?.dailyCap ?? null;
        if (cap !== null && (tally.get(`${row.profile_id}/ch/${row.channel}`) ?? 0) >= cap) {
          judged.push(verdict("channel_cap"));
          continue;
        }
      }
      if (customerChannel && purpose === "marketing" && settings.quietHours.enabled) {
        const end = quietHoursEnd(now, settings.quietHours, zoneOf(row.workspace_id));
        if (end) {
          judged.push({ id: row.id, status: "held", reason: null, dueAt: end, address, rendered: null, error: null });
          report.held++;
          continue;
        }
      }
      if (settings.dryRun || (row.variables.journey as { dryRun?: unknown } | undefined)?.dryRun === true) {
        judged.push(verdict("dry_run"));
        continue;
      }

      let rendered: TemplateContent;
      try {
        rendered = await renderRow(row, template, f, {
          workspaceName: workspaces.get(row.workspace_id)?.name ?? "",
          unsubscribeUrl: f && options.publicUrl ? `${options.publicUrl.replace(/\/$/, "")}/u/${signUnsubscribeToken(secrets.get(row.workspace_id)!, row.workspace_id, f.liveId, row.channel)}` : "",
          smsUnsubscribeText: row.channel === "sms" && marketing ? settings.smsUnsubscribeText : "",
          timeZone: zoneOf(row.workspace_id),
        });
      } catch (error) {
        judged.push(verdict("render_failed", null, error instanceof Error ? error.message.slice(0, 1000) : String(error)));
        continue;
      }
      if (row.status === "sending" && row.attempts >= settings.maxAttempts) {
        // The last attempt's outcome was lost (its dispatcher died) and no attempt is left.
        judged.push({ id: row.id, status: "failed", reason: null, dueAt: null, address, rendered, error: "the last attempt's outcome was lost and no attempt is left" });
        report.failed++;
        continue;
      }
      if (customerChannel && marketing) {
        bump(`${row.profile_id}/cat/${row.category}`);
        bump(`${row.profile_id}/ch/${row.channel}`);
      }
      const j: Judged = { id: row.id, status: "sending", reason: null, dueAt: new Date(now.getTime() + leaseMs), address, rendered, error: null };
      judged.push(j);
      sendable.push({ row, judged: j });
    }
    for (const j of judged) if (j.status === "suppressed" && j.reason) report.suppressed[j.reason] = (report.suppressed[j.reason] ?? 0) + 1;

    // Channels that write to this database (the inbox) deliver here, with the verdicts: exactly once
    // by this transaction, no `sending` round, no outcome to record after it.
    const within = new Map<Channel, { row: Row; judged: Judged }[]>();
    for (const s of sendable) {
      if (!adapters[s.row.channel]?.deliverWithin) continue;
      const list = within.get(s.row.channel);
      if (list) list.push(s);
      else within.set(s.row.channel, [s]);
    }
    for (const [channel, items] of within) {
      await adapters[channel]!.deliverWithin!(tx, items.map(({ row, judged }) => outgoingOf(row, judged)));
      for (const { row, judged } of items) {
        Object.assign(judged, { status: "delivered", dueAt: null });
        report.delivered++;
        report.latencies.push(latencyOf(row, now));
      }
    }

    const updates = judged.map((j) => ({
      id: j.id,
      status: j.status,
      reason: j.reason,
      due_at: j.dueAt?.toISOString() ?? null,
      inc: j.status === "sending" || j.status === "delivered" ? 1 : 0,
      address: j.address,
      rendered: j.rendered,
      error: j.error,
    }));
    await tx.execute(sql`update messages m set
        status = x.status, reason = x.reason, due_at = x.due_at, attempts = m.attempts + x.inc,
        address = coalesce(x.address, m.address), rendered = coalesce(x.rendered, m.rendered), error = x.error,
        sent_at = case when x.inc = 1 then ${now.toISOString()}::timestamptz else m.sent_at end,
        delivered_at = case when x.status = 'delivered' then ${now.toISOString()}::timestamptz else m.delivered_at end
      from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb) as x(id uuid, status text, reason text, due_at timestamptz, inc int, address text, rendered jsonb, error text)
      where m.id = x.id`);
    return sendable.filter((s) => s.judged.status === "sending");
  });

  // Delivery happens after the `sending` mark committed: a crash from here on leaves the row to be
  // taken again after its lease, with the same id, which receivers use to recognise the retry.
  const outgoing = toSend.map(({ row, judged }) => {
    const settings = settingsOf.get(row.workspace_id)!;
    return { row, settings, message: outgoingOf(row, judged), config: settings.channels[row.channel]?.config ?? {} };
  });
  const results = new Map<string, DeliveryResult>();
  const failure = (error: unknown): DeliveryResult => ({ status: "retry", error: error instanceof Error ? error.message : String(error) });
  const byChannel = new Map<Channel, typeof outgoing>();
  for (const o of outgoing) {
    const list = byChannel.get(o.row.channel);
    if (list) list.push(o);
    else byChannel.set(o.row.channel, [o]);
  }
  await Promise.all(
    [...byChannel].map(async ([channel, items]) => {
      const adapter = adapters[channel];
      if (!adapter) {
        for (const o of items) results.set(o.row.id, { status: "failed", error: `no adapter delivers on the ${channel} channel` });
      } else if (adapter.deliverMany) {
        // The channel hands the whole batch over at once (the inbox: one insert).
        const answers = await adapter.deliverMany(items).catch((error: unknown) => items.map(() => failure(error)));
        items.forEach((o, i) => results.set(o.row.id, answers[i] ?? failure("the channel gave no answer for this message")));
      } else {
        await Promise.all(items.map(async (o) => results.set(o.row.id, await adapter.deliver(o.message, o.config).catch(failure))));
      }
    }),
  );
  await recordOutcomes(
    db,
    clock,
    outgoing.map((o) => ({ row: o.row, attempt: o.message.attempt, result: results.get(o.row.id)!, settings: o.settings })),
    report,
  );
  for (const sample of report.latencies) options.onHandedOver?.(sample);
  return report;
}

/** A judged-sendable row as its channel gets it. */
function outgoingOf(row: Row, judged: Judged): OutgoingMessage {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    profileId: row.profile_id,
    channel: row.channel,
    category: row.category,
    address: judged.address!,
    rendered: judged.rendered!,
    attempt: row.attempts + 1,
  };
}

/** From the triggering event (or the row's creation) to now, the moment the channel has it. */
function latencyOf(row: Row, now: Date): { channel: Channel; seconds: number } {
  const from = new Date(row.triggered_at ?? row.created_at);
  return { channel: row.channel, seconds: Math.max(0, (now.getTime() - from.getTime()) / 1000) };
}

interface Outcome {
  row: Row;
  attempt: number;
  result: DeliveryResult;
  settings: MessagingSettings;
}

/**
 * Every handed-over message's outcome in one statement. Only the dispatcher holding an attempt
 * records it: a row re-taken after its lease (status `sending`, a later attempt) is not overwritten.
 */
async function recordOutcomes(db: Db, clock: Clock, outcomes: readonly Outcome[], report: DispatchReport) {
  if (outcomes.length === 0) return;
  const now = clock.now();
  const at = now.toISOString();
  const updates = outcomes.map(({ row, attempt, result, settings }) => {
    // Every field up front: a spread followed by fields it lacks is slow on Node 20 (see points.batch.ts).
    const base = {
      id: row.id,
      attempt,
      status: "failed" as string,
      error: null as string | null,
      reason: null as string | null,
      due_at: null as string | null,
      delivery: false,
      provider_id: null as string | null,
      delivered_at: null as string | null,
    };
    if (result.status === "delivered" || result.status === "pending_confirmation") {
      if (result.status === "delivered") report.delivered++;
      else report.pendingConfirmation++;
      report.latencies.push(latencyOf(row, now));
      return { ...base, status: result.status, error: null, delivery: true, provider_id: result.providerId ?? null, delivered_at: result.status === "delivered" ? at : null };
    }
    const error = result.error.slice(0, 1000);
    if (result.status === "retry" && attempt < settings.maxAttempts) {
      const wait = Math.max(result.retryAfterMs ?? 0, backoffMs(attempt, settings.retryBaseSeconds));
      report.retried++;
      return { ...base, status: "queued", error, due_at: new Date(now.getTime() + Math.min(wait, MAX_BACKOFF_MS)).toISOString() };
    }
    if (result.status === "failed" && result.error.startsWith(SEND_ALLOWANCE_EXHAUSTED)) {
      // The customer's WeCom allowance (set by the company) is used up: not a failure, a guard.
      report.suppressed.send_allowance = (report.suppressed.send_allowance ?? 0) + 1;
      return { ...base, status: "suppressed", reason: "send_allowance", error };
    }
    report.failed++;
    return { ...base, status: "failed", error };
  });
  // Driven by the batch's rows: one primary-key lookup each (a CTE scanned once per message was quadratic).
  await db.execute(sql`update messages m set status = x.status, due_at = x.due_at, error = x.error, reason = coalesce(x.reason, m.reason),
        provider_id = case when x.delivery then x.provider_id else m.provider_id end,
        delivered_at = case when x.delivery then x.delivered_at else m.delivered_at end
      from jsonb_to_recordset(${JSON.stringify(updates)}::jsonb)
        as x(id uuid, attempt int, status text, reason text, due_at timestamptz, error text, delivery boolean, provider_id text, delivered_at timestamptz)
      where m.id = x.id and m.status = 'sending' and m.attempts = x.attempt`);
}
