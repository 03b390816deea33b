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
    sql`with recursive up(orig, id, merged_into, depth) as (
        select p.id, p.id, p.merged_into, 0 from profiles p where p.id = any(${uuidArray(ids)})
        union all
        select up.orig, p.id, p.merged_into, up.depth + 1 from up join profiles p on p.id = up.merged_into where up.depth < 32
      )
      select up.orig, p.id as live_id, p.workspace_id, p.name, p.phone, p.traits, p.order_count, p.total_spend_minor, p.last_order_at, p.first_seen_at,
        (select t.tier from member_tiers t where t.workspace_id = p.workspace_id and t.profile_id = p.id limit 1) as tier,
        (select a.available from points_accounts a where a.workspace_id = p.workspace_id and a.profile_id = p.id limit 1) as points
      from up join profiles p on p.id = up.id where up.merged_into is null`,
  );
  if (found.length === 0) return out;
  const lives = [...new Set(found.map((r) => r.live_id))];
  const identifiers = await rows<{ profile_id: string; type: string; value: string }>(
    db,
    sql`select profile_id, type, value from identity_identifiers
        where profile_id = any(${uuidArray(lives)}) and type = any(${`{${ADDRESS_TYPES.join(",")}}`}::text[]) order by first_seen_at desc`,
  );
  const consents = await rows<{ live_id: string; channel: string; purpose: string; granted: boolean }>(
    db,
    sql`with recursive roots(id, live_id) as (
        select id, id from profiles where id = any(${uuidArray(lives)})
        union all
        select p.id, r.live_id from profiles p join roots r on p.merged_into = r.id
      )
      select distinct on (r.live_id, c.channel, c.purpose) r.live_id, c.channel, c.purpose, c.granted
      from consents c join roots r on r.id = c.profile_id
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
