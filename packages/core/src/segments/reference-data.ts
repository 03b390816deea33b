import type { Warehouse } from "@siyu/storage";

type WarehouseCell = string | number | bigint | boolean | Date | null;
import type { RefData } from "./reference-evaluator";

/**
 * Writes reference data into the warehouse tables segments read (profiles, one identifier per
 * live profile, events, tags, scores, CLV, consents), replacing the workspace's rows. For tests.
 */
export async function loadReferenceData(warehouse: Warehouse, workspaceId: string, data: RefData): Promise<void> {
  const identifierOf = (profileId: string) => `ffffffff${profileId.slice(8)}`;
  const ms = (d: Date | null) => (d ? d.toISOString() : null);
  await warehouse.transaction(async (tx) => {
    for (const table of ["profiles", "profile_identifiers", "events", "profile_tags", "profile_scores", "profile_clv", "profile_consents"]) {
      await tx.run(`delete from ${table} where workspace_id = $1::uuid`, [workspaceId]);
    }
    const profiles: WarehouseCell[][] = data.profiles.map((p) => [
      workspaceId,
      p.id,
      p.mergedInto,
      p.name,
      p.phone,
      ms(p.firstSeenAt),
      ms(p.lastSeenAt),
      p.eventCount,
      p.orderCount,
      p.totalSpendMinor,
      ms(p.lastOrderAt),
      p.traits === null ? null : JSON.stringify(p.traits),
    ]);
    await tx.append("profiles", profiles);
    const live = data.profiles.filter((p) => p.mergedInto === null);
    await tx.append("profile_identifiers", live.map((p) => [workspaceId, identifierOf(p.id), "user_id", p.id, p.id]));
    const seqBase = Math.floor(Math.random() * 1e9);
    await tx.append(
      "events",
      data.events.map((e, i) => [
        workspaceId, seqBase + i, `m${seqBase + i}`, "track", e.event, null, null, ms(e.ts), ms(e.ts),
        e.profileId ? identifierOf(e.profileId) : null, null, null, null, null, e.storeId, null, null, e.revenue, null,
        JSON.stringify(e.properties), "{}", "{}",
      ]),
    );
    await tx.append("profile_tags", data.tags.map((t) => [workspaceId, t.profileId, t.tagId]));
    await tx.append("profile_scores", data.scores.map((s) => [workspaceId, s.profileId, null, null, null, s.rfmCell, s.rfmLayer, s.lifecycleStage, s.valueTier, new Date(0).toISOString()]));
    await tx.append(
      "profile_clv",
      data.clv.map((c) => [workspaceId, c.profileId, c.p_alive, c.expected_purchases_90d, 0, 0, null, c.expected_value_90d, null, c.expected_value_365d, null, null, new Date(0).toISOString()]),
    );
    await tx.append("profile_consents", data.consents.map((k) => [workspaceId, k.profileId, k.channel, k.purpose, k.granted, new Date(0).toISOString()]));
  });
}

