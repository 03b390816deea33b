import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { CustomerTierDto, TierLevel, TierSettings } from "@siyu/contracts";
import { appendProfileEvents } from "../../profile-events";
import { minorUnitsPer } from "../../profiles";
import { addDays, addMonths, localParts, zonedMidnight } from "../../shared/local-time";
import { rows } from "../points/points.ledger";
import { loadSettings } from "../loyalty.settings";
import { workspaceTimeZone } from "../loyalty-workspace";

const DAY = 86_400_000;

interface TierRow {
  profile_id: string;
  tier: string;
  growth: string | number;
  since: string | Date;
  below_since: string | Date | null;
  last_inactivity_drop_at: string | Date | null;
}

export interface TierState {
  tier: string;
  since: Date;
  belowSince: Date | null;
  lastInactivityDropAt: Date | null;
}

export interface TierInputs {
  /** Growth in the current window. */
  growth: number;
  /** calendar_year only: last year's growth, whose level holds until the grace after 1 January. */
  previousGrowth: number;
  /** Orders in the inactivity rule's last `days` days. */
  recentOrders: number;
  /** Start of the current calendar year (local), for calendar_year downgrades. */
  yearStart: Date;
}

function levelOf(settings: TierSettings, growth: number): number {
  let index = 0;
  settings.levels.forEach((l, i) => {
    if (growth >= l.threshold) index = i;
  });
  return index;
}

/**
 * The tier rules for one member, pure: upgrade at once; below the level, keep it for the grace period
 * (rolling) or until the grace after 1 January, judged on last year's growth too (calendar year);
 * the inactivity rule drops one level at most once per its period. Returns the new state and why.
 */
export function judgeTier(settings: TierSettings, current: TierState | null, inputs: TierInputs, now: Date): { state: TierState; reason: "upgrade" | "downgrade" | "inactivity" | null } {
  const codes = settings.levels.map((l) => l.code);
  const state: TierState = current && codes.includes(current.tier) ? { ...current } : { tier: codes[0]!, since: now, belowSince: null, lastInactivityDropAt: null };
  const at = codes.indexOf(state.tier);
  const earned = levelOf(settings, inputs.growth);
  // Under the inactivity rule, old growth does not lift an inactive member back up; a new order does.
  const inactive = settings.inactivityDrop.enabled && inputs.recentOrders < settings.inactivityDrop.minOrders;
  if (earned > at && !inactive) return { state: { ...state, tier: codes[earned]!, since: now, belowSince: null }, reason: "upgrade" };
  const graceMs = settings.downgradeGraceDays * DAY;
  if (earned < at) {
    if (settings.window === "rolling_12_months") {
      const below = state.belowSince ?? now;
      if (now.getTime() - below.getTime() >= graceMs) return { state: { ...state, tier: codes[earned]!, since: now, belowSince: null }, reason: "downgrade" };
      state.belowSince = below;
    } else {
      const held = Math.max(earned, levelOf(settings, inputs.previousGrowth));
      const yearTurned = state.since < inputs.yearStart && now.getTime() - inputs.yearStart.getTime() >= graceMs;
      if (yearTurned && held < at) return { state: { ...state, tier: codes[held]!, since: now, belowSince: null }, reason: "downgrade" };
      state.belowSince = state.belowSince ?? now;
    }
  } else state.belowSince = null;
  const rule = settings.inactivityDrop;
  const current_ = codes.indexOf(state.tier);
  if (rule.enabled && current_ > 0 && inputs.recentOrders < rule.minOrders) {
    const periodMs = rule.days * DAY;
    const settled = now.getTime() - state.since.getTime() >= periodMs;
    const rested = state.lastInactivityDropAt === null || now.getTime() - state.lastInactivityDropAt.getTime() >= periodMs;
    if (settled && rested) return { state: { tier: codes[current_ - 1]!, since: now, belowSince: null, lastInactivityDropAt: now }, reason: "inactivity" };
  }
  return { state, reason: null };
}

function windowStarts(settings: TierSettings, now: Date, timeZone: string) {
  const local = localParts(now, timeZone);
  const yearStart = zonedMidnight(local.year, 1, 1, timeZone);
  const previousYearStart = zonedMidnight(local.year - 1, 1, 1, timeZone);
  const from = settings.window === "rolling_12_months" ? addMonths(now, -12) : yearStart;
  return { from, yearStart, previousYearStart, recentFrom: addDays(now, -settings.inactivityDrop.days) };
}

/**
 * Recalculates tiers of a workspace (or of some profiles) set-based: one query sums each live
 * profile's net spend per window from the orders, the rules run per member in memory, and only
 * changed members are written, each change with a loyalty_tier.changed profile event in the same
 * transaction. Returns how many members changed level.
 */
export async function recalculateTiers(db: Db, workspaceId: string, now: Date, profileIds?: string[]): Promise<number> {
  const settings = (await loadSettings(db, workspaceId)).tiers;
  if (!settings.enabled) return 0;
  if (profileIds && profileIds.length === 0) return 0;
  const timeZone = await workspaceTimeZone(db, workspaceId);
  const w = windowStarts(settings, now, timeZone);
  const earliest = new Date(Math.min(w.from.getTime(), w.previousYearStart.getTime(), w.recentFrom.getTime())).toISOString();
  // Some members (a batch of orders): their identifiers, then each one's orders by the identifier index — as a
  // join, the planner read every order of the workspace's window. All members: every order of the window.
  const ordersOf = profileIds
    ? sql`identity_identifiers i cross join lateral (
          select * from orders where identifier_id = i.id and workspace_id = ${workspaceId}::uuid and ordered_at >= ${earliest}::timestamptz offset 0) o
        where i.workspace_id = ${workspaceId}::uuid and i.profile_id = any(${`{${profileIds.join(",")}}`}::uuid[])`
    : sql`orders o join identity_identifiers i on i.id = o.identifier_id where o.workspace_id = ${workspaceId}::uuid and o.ordered_at >= ${earliest}::timestamptz`;
  const onlyTiers = profileIds ? sql`and profile_id = any(${`{${profileIds.join(",")}}`}::uuid[])` : sql``;
  return db.transaction(async (tx) => {
    const spend = await rows<{ profile_id: string; currency: string; net: string | number; previous: string | number; recent: number }>(
      tx,
      sql`select i.profile_id, o.currency,
            coalesce(sum(o.total_minor - o.refunded_minor) filter (where o.ordered_at >= ${w.from.toISOString()}::timestamptz), 0) as net,
            coalesce(sum(o.total_minor - o.refunded_minor) filter (where o.ordered_at >= ${w.previousYearStart.toISOString()}::timestamptz and o.ordered_at < ${w.yearStart.toISOString()}::timestamptz), 0) as previous,
            count(*) filter (where o.ordered_at >= ${w.recentFrom.toISOString()}::timestamptz and o.status <> 'refunded')::int as recent
          from ${ordersOf}
          group by i.profile_id, o.currency`,
    );
    const inputs = new Map<string, { growth: number; previousGrowth: number; recentOrders: number }>();
    for (const s of spend) {
      const per = minorUnitsPer(s.currency);
      const x = inputs.get(s.profile_id) ?? { growth: 0, previousGrowth: 0, recentOrders: 0 };
      x.growth += (Number(s.net) / per) * settings.growthPerCurrencyUnit;
      x.previousGrowth += (Number(s.previous) / per) * settings.growthPerCurrencyUnit;
      x.recentOrders += Number(s.recent);
      inputs.set(s.profile_id, x);
    }
    const current = new Map(
      (
        await rows<TierRow>(tx, sql`select profile_id, tier, growth, since, below_since, last_inactivity_drop_at from member_tiers where workspace_id = ${workspaceId}::uuid ${onlyTiers} order by profile_id for update`)
      ).map((r) => [r.profile_id, r]),
    );
    const date = (v: string | Date | null) => (v === null ? null : new Date(v));
    const writes: Record<string, unknown>[] = [];
    const events: { workspaceId: string; profileId: string; kind: "loyalty_tier.changed"; payload: Record<string, unknown> }[] = [];
    for (const profileId of new Set([...inputs.keys(), ...current.keys()])) {
      const x = inputs.get(profileId) ?? { growth: 0, previousGrowth: 0, recentOrders: 0 };
      const growth = Math.floor(x.growth);
      const row = current.get(profileId);
      const before: TierState | null = row ? { tier: row.tier, since: new Date(row.since), belowSince: date(row.below_since), lastInactivityDropAt: date(row.last_inactivity_drop_at) } : null;
      const { state, reason } = judgeTier(settings, before, { growth, previousGrowth: Math.floor(x.previousGrowth), recentOrders: x.recentOrders, yearStart: w.yearStart }, now);
      const changed =
        !row ||
        row.tier !== state.tier ||
        Number(row.growth) !== growth ||
        date(row.below_since)?.getTime() !== state.belowSince?.getTime() ||
        date(row.last_inactivity_drop_at)?.getTime() !== state.lastInactivityDropAt?.getTime();
      if (!changed) continue;
      writes.push({
        profile_id: profileId,
        tier: state.tier,
        growth,
        since: state.since.toISOString(),
        below_since: state.belowSince?.toISOString() ?? null,
        last_drop: state.lastInactivityDropAt?.toISOString() ?? null,
      });
      const from = row?.tier ?? null;
      if (from !== state.tier && (from !== null || reason !== null)) {
        events.push({ workspaceId, profileId, kind: "loyalty_tier.changed", payload: { from, to: state.tier, growth, reason: reason ?? "upgrade" } });
      }
    }
    if (writes.length > 0) {
      await tx.execute(sql`
        insert into member_tiers (workspace_id, profile_id, tier, growth, since, below_since, last_inactivity_drop_at, updated_at)
        select ${workspaceId}::uuid, x.profile_id, x.tier, x.growth, x.since, x.below_since, x.last_drop, ${now.toISOString()}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(writes)}::jsonb) as x(profile_id uuid, tier text, growth bigint, since timestamptz, below_since timestamptz, last_drop timestamptz)
        on conflict (workspace_id, profile_id) do update set tier = excluded.tier, growth = excluded.growth, since = excluded.since,
          below_since = excluded.below_since, last_inactivity_drop_at = excluded.last_inactivity_drop_at, updated_at = excluded.updated_at`);
    }
    await appendProfileEvents(tx, now, events);
    return events.length;
  });
}

/** The index of the level a member with this stored code is at: the first level when they have none yet (or a code no longer configured). */
const levelIndexOf = (settings: TierSettings, code: string | null | undefined): number => Math.max(0, settings.levels.findIndex((l) => l.code === code));

/** The workspace's tier settings (levels with their codes and the names the brand gave them). */
export const loadTierSettings = async (db: Db, workspaceId: string): Promise<TierSettings> => (await loadSettings(db, workspaceId)).tiers;

/** The level a member whose `member_tiers` row holds `code` (null: no row) is at, as tierOf says; null when tiers are switched off. */
export function memberTierLevel(settings: TierSettings, code: string | null): TierLevel | null {
  return settings.enabled ? settings.levels[levelIndexOf(settings, code)]! : null;
}

/** The tier a member is at now (the first level when they have none yet), with benefits and progress. */
export async function tierOf(db: Db, workspaceId: string, profileId: string): Promise<CustomerTierDto> {
  const settings = await loadTierSettings(db, workspaceId);
  const [row] = await rows<TierRow>(db, sql`select profile_id, tier, growth, since, below_since, last_inactivity_drop_at from member_tiers where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid`);
  const index = levelIndexOf(settings, row?.tier);
  const level = settings.levels[index]!;
  const next = settings.levels[index + 1];
  const growth = Number(row?.growth ?? 0);
  const { code, name, threshold: _threshold, ...benefits } = level;
  return {
    profileId,
    tier: { code, name },
    benefits,
    growth,
    next: next ? { code: next.code, name: next.name, threshold: next.threshold, remaining: Math.max(0, next.threshold - growth) } : null,
    since: row ? new Date(row.since).toISOString() : null,
    belowSince: row?.below_since ? new Date(row.below_since).toISOString() : null,
  };
}

/** The earn multiplier of a member's current tier (1 without tiers). */
export async function tierMultiplierOf(db: Db, workspaceId: string, settings: TierSettings, profileId: string): Promise<number> {
  if (!settings.enabled) return 1;
  const [row] = await rows<{ tier: string }>(db, sql`select tier from member_tiers where workspace_id = ${workspaceId}::uuid and profile_id = ${profileId}::uuid`);
  const level = settings.levels.find((l) => l.code === row?.tier) ?? settings.levels[0]!;
  return level.pointsMultiplier;
}
