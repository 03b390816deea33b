import { sql } from "@siyu/storage/orm";
import type { Db, Warehouse } from "@siyu/storage";
import type { ConsentDto, ConsentPurpose, ConsentSource, SetConsentsBody } from "@siyu/contracts";
import { appendAuditEntry } from "../audit";
import { appendProfileEvents } from "../profile-events";
import { liveProfileRoots, profilesMergedInto } from "../profiles";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";

export interface ConsentsDeps {
  db: Db;
  clock: Clock;
  /** A merged profile's old id leads to the live profile (the profiles service's resolveId). */
  resolveProfileId(ctx: WorkspaceContext, profileId: string): Promise<string>;
}

interface Decision {
  channel: string;
  purpose: ConsentPurpose;
  granted: boolean;
  source: ConsentSource;
  updated_at: string | Date;
  updated_by: string | null;
}

/** The newest decision per channel and purpose across a live profile and every profile merged into it. */
async function decisionsOf(db: Db, workspaceId: string, liveId: string): Promise<Decision[]> {
  const result = (await db.execute(sql`
    select distinct on (c.channel, c.purpose) c.channel, c.purpose, c.granted, c.source, c.updated_at, c.updated_by
    from ${profilesMergedInto(workspaceId, [liveId])} r
    cross join lateral (select * from consents where workspace_id = ${workspaceId}::uuid and profile_id = r.id offset 0) c
    order by c.channel, c.purpose, c.updated_at desc`)) as unknown as { rows: Decision[] };
  return result.rows;
}

function toDto(d: Decision): ConsentDto {
  return { channel: d.channel, purpose: d.purpose, granted: d.granted, source: d.source, updatedAt: new Date(d.updated_at).toISOString(), updatedBy: d.updated_by };
}

export function createConsentsService(deps: ConsentsDeps) {
  const { db, clock } = deps;
  return {
    async list(ctx: WorkspaceContext, profileId: string): Promise<ConsentDto[]> {
      const liveId = await deps.resolveProfileId(ctx, profileId);
      return (await decisionsOf(db, ctx.workspaceId, liveId)).map(toDto);
    },

    /**
     * Records decisions on the live profile. A decision equal to the one in force changes
     * nothing; each real change appends a consent.changed event and an audit entry with it.
     */
    async set(ctx: WorkspaceContext, profileId: string, body: SetConsentsBody, source: ConsentSource): Promise<ConsentDto[]> {
      const liveId = await deps.resolveProfileId(ctx, profileId);
      const now = clock.now();
      return db.transaction(async (tx) => {
        const current = new Map((await decisionsOf(tx, ctx.workspaceId, liveId)).map((d) => [`${d.channel}/${d.purpose}`, d]));
        const latest = new Map(body.consents.map((c) => [`${c.channel}/${c.purpose}`, c]));
        const changed = [...latest.values()].filter((c) => current.get(`${c.channel}/${c.purpose}`)?.granted !== c.granted);
        if (changed.length > 0) {
          const rows = changed.map((c) => ({ channel: c.channel, purpose: c.purpose, granted: c.granted }));
          await tx.execute(sql`
            insert into consents (workspace_id, profile_id, channel, purpose, granted, source, updated_at, updated_by)
            select ${ctx.workspaceId}::uuid, ${liveId}::uuid, x.channel, x.purpose, x.granted, ${source}, ${now.toISOString()}::timestamptz, ${ctx.actor.name}
            from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(channel text, purpose text, granted boolean)
            on conflict (workspace_id, profile_id, channel, purpose) do update
              set granted = excluded.granted, source = excluded.source, updated_at = excluded.updated_at, updated_by = excluded.updated_by`);
          await appendProfileEvents(
            tx,
            now,
            changed.map((c) => ({
              workspaceId: ctx.workspaceId,
              profileId: liveId,
              kind: "consent.changed" as const,
              payload: { channel: c.channel, purpose: c.purpose, granted: c.granted, source },
            })),
          );
          await appendAuditEntry(tx, clock, ctx, {
            action: "consents.set",
            targetType: "customer",
            targetId: liveId,
            summary: changed.map((c) => `${c.channel}/${c.purpose}: ${c.granted ? "granted" : "withdrawn"}`).join(", "),
            before: Object.fromEntries(changed.map((c) => [`${c.channel}/${c.purpose}`, current.get(`${c.channel}/${c.purpose}`)?.granted ?? null])),
            after: Object.fromEntries(changed.map((c) => [`${c.channel}/${c.purpose}`, c.granted])),
          });
        }
        return (await decisionsOf(tx, ctx.workspaceId, liveId)).map(toDto);
      });
    },
  };
}
export type ConsentsService = ReturnType<typeof createConsentsService>;

const PAGE = 50_000;

/**
 * Replaces the workspace's rows in the warehouse's profile_consents with the decisions in force
 * for each live profile, in one DuckDB transaction: segments see all of the new set or none of it.
 */
export async function syncConsentsToWarehouse(input: { db: Db; warehouse: Warehouse; workspaceId: string }): Promise<number> {
  const { db, warehouse, workspaceId } = input;
  const result = (await db.execute(sql`
    select distinct on (r.live_id, c.channel, c.purpose) r.live_id, c.channel, c.purpose, c.granted, c.updated_at
    from consents c join ${liveProfileRoots(workspaceId)} r on r.id = c.profile_id
    where c.workspace_id = ${workspaceId}::uuid
    order by r.live_id, c.channel, c.purpose, c.updated_at desc`)) as unknown as {
    rows: { live_id: string; channel: string; purpose: string; granted: boolean; updated_at: string | Date }[];
  };
  const rows = result.rows.map((r) => [workspaceId, r.live_id, r.channel, r.purpose, r.granted, new Date(r.updated_at)]);
  await warehouse.transaction(async (tx) => {
    await tx.run("delete from profile_consents where workspace_id = $1::uuid", [workspaceId]);
    for (let i = 0; i < rows.length; i += PAGE) await tx.append("profile_consents", rows.slice(i, i + PAGE));
  });
  return rows.length;
}
