import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { rows } from "../points/points.ledger";
import { liveRoot } from "../points/points.jobs";

/**
 * The profile each logged event belongs to, through the projector's anchors (so a consumer passing
 * `upTo` = the projector's position finds every event anchored), with the profile's traits.
 */
export async function ownersOf(tx: Db, seqs: number[]): Promise<Map<number, { profileId: string; traits: Record<string, unknown> }>> {
  if (seqs.length === 0) return new Map();
  const found = await rows<{ seq: string | number; profile_id: string; workspace_id: string; merged_into: string | null; traits: Record<string, unknown> | null }>(
    tx,
    sql`select a.seq, i.profile_id, p.workspace_id, p.merged_into, p.traits from profile_event_anchors a
        join identity_identifiers i on i.id = a.identifier_id
        join profiles p on p.id = i.profile_id
        where a.seq = any(${`{${seqs.join(",")}}`}::bigint[])`,
  );
  const owners = new Map<number, { profileId: string; traits: Record<string, unknown> }>();
  for (const r of found) {
    // Identifiers point at live profiles; should one not, its live root gets the points.
    const profileId = r.merged_into === null ? r.profile_id : ((await liveRoot(tx, r.workspace_id, r.profile_id)) ?? r.profile_id);
    owners.set(Number(r.seq), { profileId, traits: r.traits ?? {} });
  }
  return owners;
}
