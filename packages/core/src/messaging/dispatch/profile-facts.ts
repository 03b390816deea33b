import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { TierSettings } from "@siyu/contracts";
import { loadTierSettings, memberTierLevel } from "../../loyalty";
import { rows } from "../../shared/sql-rows";

/** What a template and the guards know of a customer: the live profile behind an id, its identifiers and consents. */
export interface ProfileFacts {
  liveId: string;
  workspaceId: string;
  name: string | null;
  phone: string | null;
  email: string | null;
  traits: Record<string, unknown>;
  orderCount: number;
  /** Major units (yuan), as a customer reads it. */
  totalSpend: number;
  lastOrderAt: string | null;
  firstSeenAt: string | null;
  /** The member's tier level (its code and the name the brand gave it), as the member sees it; null when tiers are off. */
  tier: { code: string; name: string } | null;
  pointsBalance: number | null;
  /** Identifier type → values (wechat_openid values are `<appId>:<openid>`). */
  identifiers: Map<string, string[]>;
  /** `${channel}/${purpose}` → granted, the newest decision across the person's merged profiles. */
  consents: Map<string, boolean>;
}

const uuidArray = (ids: readonly string[]) => sql`${`{${ids.join(",")}}`}::uuid[]`;
const ADDRESS_TYPES = ["email", "wecom_external_userid", "wechat_openid"];

/** Three statements for any number of profiles: profiles (with tier and points), identifiers, consents. */
export async function loadProfileFacts(db: Db, profileIds: readonly string[]): Promise<Map<string, ProfileFacts>> {
  const out = new Map<string, ProfileFacts>();
  const ids = [...new Set(profileIds)];
  if (ids.length === 0) return out;
  const found = await rows<{
    orig: string;
    live_id: string;
    workspace_id: string;
    name: string | null;
    phone: string | null;
    traits: Record<string, unknown> | null;
    order_count: number;
    total_spend_minor: number | string;
    last_order_at: string | Date | null;
    first_seen_at: string | Date | null;
    tier: string | null;
    points: number | string | null;
  }>(
    db,
    // Every step a probe by key (lateral, `offset 0`): as joins, the planner may hash a whole table per batch.
    sql`with recursive up(orig, id, merged_into, depth) as (
        select p.id, p.id, p.merged_into, 0 from profiles p where p.id = any(${uuidArray(ids)})
        union all
        select up.orig, p.id, p.merged_into, up.depth + 1
        from up cross join lateral (select id, merged_into from profiles where id = up.merged_into offset 0) p
        where up.merged_into is not null and up.depth < 32
      )
      select up.orig, p.id as live_id, p.workspace_id, p.name, p.phone, p.traits, p.order_count, p.total_spend_minor, p.last_order_at, p.first_seen_at,
        (select t.tier from member_tiers t where t.workspace_id = p.workspace_id and t.profile_id = p.id limit 1) as tier,
        (select a.available from points_accounts a where a.workspace_id = p.workspace_id and a.profile_id = p.id limit 1) as points
      from up cross join lateral (select * from profiles where id = up.id offset 0) p where up.merged_into is null`,
  );
  if (found.length === 0) return out;
  const liveByWorkspace = new Map(found.map((r) => [r.live_id, r.workspace_id]));
  const lives = [...liveByWorkspace.keys()];
  // (workspace, profile) pairs: the identifier and consent indexes lead with the workspace.
  const live = sql`unnest(${uuidArray(lives)}, ${uuidArray(lives.map((id) => liveByWorkspace.get(id)!))}) as l(id, workspace_id)`;
  const identifiers = await rows<{ profile_id: string; type: string; value: string }>(
    db,
    sql`select l.id as profile_id, i.type, i.value from ${live}
        cross join lateral (select type, value, first_seen_at from identity_identifiers
          where workspace_id = l.workspace_id and profile_id = l.id and type = any(${`{${ADDRESS_TYPES.join(",")}}`}::text[]) offset 0) i
        order by i.first_seen_at desc`,
  );
  const consents = await rows<{ live_id: string; channel: string; purpose: string; granted: boolean }>(
    db,
    sql`with recursive roots(id, live_id, workspace_id) as (
        select l.id, l.id, l.workspace_id from ${live}
        union all
        select p.id, r.live_id, r.workspace_id from roots r cross join lateral (select id from profiles where merged_into = r.id offset 0) p
      )
      select distinct on (r.live_id, c.channel, c.purpose) r.live_id, c.channel, c.purpose, c.granted
      from roots r cross join lateral (select channel, purpose, granted, updated_at from consents
        where workspace_id = r.workspace_id and profile_id = r.id offset 0) c
      order by r.live_id, c.channel, c.purpose, c.updated_at desc`,
  );
  const idsOf = new Map<string, Map<string, string[]>>();
  for (const i of identifiers) {
    const m = idsOf.get(i.profile_id) ?? new Map<string, string[]>();
    m.set(i.type, [...(m.get(i.type) ?? []), i.value]);
    idsOf.set(i.profile_id, m);
  }
  const consentsOf = new Map<string, Map<string, boolean>>();
  for (const c of consents) {
    const m = consentsOf.get(c.live_id) ?? new Map<string, boolean>();
    m.set(`${c.channel}/${c.purpose}`, c.granted);
    consentsOf.set(c.live_id, m);
  }
  const tierSettings = new Map<string, TierSettings>();
  for (const ws of new Set(found.map((r) => r.workspace_id))) tierSettings.set(ws, await loadTierSettings(db, ws));
  const iso = (v: string | Date | null) => (v === null ? null : new Date(v).toISOString());
  for (const r of found) {
    const traits = r.traits ?? {};
    const ids = idsOf.get(r.live_id) ?? new Map<string, string[]>();
    const traitEmail = typeof traits.email === "string" && traits.email.includes("@") ? traits.email.toLowerCase() : null;
    out.set(r.orig, {
      liveId: r.live_id,
      workspaceId: r.workspace_id,
      name: r.name,
      phone: r.phone,
      email: ids.get("email")?.[0] ?? traitEmail,
      traits,
      orderCount: Number(r.order_count),
      totalSpend: Number(r.total_spend_minor) / 100,
      lastOrderAt: iso(r.last_order_at),
      firstSeenAt: iso(r.first_seen_at),
      tier: tierOfMember(tierSettings.get(r.workspace_id)!, r.tier),
      pointsBalance: r.points === null ? null : Number(r.points),
      identifiers: ids,
      consents: consentsOf.get(r.live_id) ?? new Map(),
    });
  }
  return out;
}

function tierOfMember(settings: TierSettings, code: string | null): { code: string; name: string } | null {
  const level = memberTierLevel(settings, code);
  return level ? { code: level.code, name: level.name } : null;
}

/** The `profile` object templates see: `tier` is the level's display name, `tierCode` its code. */
export function profileVariables(f: ProfileFacts): Record<string, unknown> {
  return {
    ...f.traits,
    id: f.liveId,
    name: f.name ?? (typeof f.traits.name === "string" ? f.traits.name : null),
    phone: f.phone,
    email: f.email,
    traits: f.traits,
    orderCount: f.orderCount,
    totalSpend: f.totalSpend,
    lastOrderAt: f.lastOrderAt,
    firstSeenAt: f.firstSeenAt,
    tier: f.tier?.name ?? null,
    tierCode: f.tier?.code ?? null,
    points: f.pointsBalance,
  };
}
