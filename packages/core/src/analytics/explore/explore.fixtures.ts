import type { Warehouse } from "@siyu/storage";

/**
 * A warehouse event for tests and benchmarks: `actor` is a customer number (null: not linked to a
 * profile); `event` null makes a page view (no event name).
 */
export interface SyntheticEvent {
  actor: number | null;
  event: string | null;
  at: Date;
  channel?: string | null;
  storeId?: string | null;
  revenue?: number | null;
  properties?: Record<string, unknown>;
}

export interface SyntheticProfile {
  actor: number;
  name?: string;
  traits?: Record<string, unknown>;
}

/** The profile id (and identifier id, `tag` 2) of customer `actor`: deterministic UUIDs. */
export function syntheticId(actor: number, tag = 1): string {
  return `0190${tag.toString(16).padStart(4, "0")}-0000-7000-8000-${actor.toString(16).padStart(12, "0")}`;
}

/**
 * Appends events (seq in array order after `firstSeq`) and their customers' profile snapshot
 * rows straight into the warehouse, as the loader and the snapshot refresh would leave them.
 * `profilesWritten`: every actor already has its profile rows (a bulk load that wrote the
 * profiles first), so the events go in alone, without reading back the workspace's profiles.
 */
export async function appendSyntheticEvents(
  warehouse: Warehouse,
  workspaceId: string,
  events: readonly SyntheticEvent[],
  options: { profiles?: readonly SyntheticProfile[]; firstSeq?: number; profilesWritten?: boolean } = {},
): Promise<void> {
  const firstSeq = options.firstSeq ?? 1;
  const rows = events.map((e, i) => [
    workspaceId,
    firstSeq + i,
    `syn-${firstSeq + i}`,
    e.event === null ? "page" : "track",
    e.event,
    e.actor === null ? null : `u-${e.actor}`,
    e.actor === null ? `anon-${i}` : null,
    e.at,
    e.at,
    e.actor === null ? null : syntheticId(e.actor, 2),
    null,
    null,
    e.channel ?? null,
    null,
    e.storeId ?? null,
    null,
    null,
    e.revenue ?? null,
    null,
    JSON.stringify(e.properties ?? {}),
    null,
    null,
  ]);
  const actors = new Map<number, SyntheticProfile>();
  for (const e of events) if (e.actor !== null && !actors.has(e.actor)) actors.set(e.actor, { actor: e.actor });
  for (const p of options.profiles ?? []) actors.set(p.actor, p);
  await warehouse.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 50_000) await tx.append("events", rows.slice(i, i + 50_000));
    if (options.profilesWritten) return;
    const known = new Set((await tx.query<{ id: string }>(`select id::varchar as id from profiles where workspace_id = $1::uuid`, [workspaceId])).map((r) => r.id));
    const fresh = [...actors.values()].filter((p) => !known.has(syntheticId(p.actor)));
    await tx.append(
      "profiles",
      fresh.map((p) => [workspaceId, syntheticId(p.actor), null, p.name ?? `客户${p.actor}`, null, null, null, 0, 0, 0, null, JSON.stringify(p.traits ?? {})]),
    );
    await tx.append("profile_identifiers", fresh.map((p) => [workspaceId, syntheticId(p.actor, 2), "user_id", `u-${p.actor}`, syntheticId(p.actor)]));
  });
}
