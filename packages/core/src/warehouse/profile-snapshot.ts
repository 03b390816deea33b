import type { Db, Warehouse } from "@siyu/storage";
import { syncConsentsToWarehouse } from "../consents";
import { consumerPosition } from "../events";
import { PROFILE_PROJECTOR } from "../profiles";
import { syncTagsToWarehouse } from "../tags";
import {
  asWarehouseWriter,
  moveWarehouseOffset,
  readWarehouseOffset,
  WAREHOUSE_ANCHORS_OFFSET,
  WAREHOUSE_EVENTS_OFFSET,
} from "./warehouse-offsets";
import { followLateAnchors } from "./rollups";
import { readAnchorsOf, readIdentifierPage, readProfilePage, type Page } from "./warehouse-source.repository";

export interface RefreshProfileSnapshotInput {
  db: Db;
  warehouse: Warehouse;
  /** Refresh one workspace; all of them when absent. */
  workspaceId?: string;
  /** Rows read from PostgreSQL per query. */
  pageSize?: number;
}

export interface ProfileSnapshotResult {
  identifiers: number;
  profiles: number;
  /** Events whose identifier_id was filled in because the projector anchored them after they were loaded. */
  anchored: number;
}

const STAGE_IDENTIFIERS = "_siyu_stage_profile_identifiers";
const STAGE_PROFILES = "_siyu_stage_profiles";
const STAGE_ANCHORS = "_siyu_stage_event_anchors";

/**
 * Replaces the warehouse's copy of identifiers and profiles (one workspace's, or
 * all) with PostgreSQL's, and fills in the anchor identifier of events loaded before
 * the profile projector reached them. PostgreSQL is read page by page into staging
 * tables; the swap is one DuckDB transaction, so queries see the old snapshot or
 * the new one, never half of each.
 */
export function refreshProfileSnapshot(input: RefreshProfileSnapshotInput): Promise<ProfileSnapshotResult> {
  return asWarehouseWriter(input.warehouse, () => refresh(input));
}

async function refresh({ db, warehouse, workspaceId, pageSize = 50_000 }: RefreshProfileSnapshotInput): Promise<ProfileSnapshotResult> {
  // Read first: every event up to here has its anchor written, in the projector's own transaction.
  const projected = await consumerPosition(db, PROFILE_PROJECTOR);
  await warehouse.run(`create or replace temp table ${STAGE_IDENTIFIERS} as select * from profile_identifiers limit 0`);
  await warehouse.run(`create or replace temp table ${STAGE_PROFILES} as select * from profiles limit 0`);
  await warehouse.run(`create or replace temp table ${STAGE_ANCHORS} (seq bigint, identifier_id uuid)`);
  try {
    const scope = workspaceId ?? null;
    const identifiers = await stagePages(warehouse, STAGE_IDENTIFIERS, (after) => readIdentifierPage(db, scope, after, pageSize));
    const profiles = await stagePages(warehouse, STAGE_PROFILES, (after) => readProfilePage(db, scope, after, pageSize));

    // Anchoring is per event, not per workspace: it catches up for all of them.
    const anchoredThrough = await readWarehouseOffset(warehouse, WAREHOUSE_ANCHORS_OFFSET);
    const upTo = Math.min(projected, await readWarehouseOffset(warehouse, WAREHOUSE_EVENTS_OFFSET));
    if (upTo > anchoredThrough) {
      const missing = await warehouse.query<{ seq: bigint }>(
        "select seq from events where identifier_id is null and seq > $1::bigint and seq <= $2::bigint order by seq",
        [BigInt(anchoredThrough), BigInt(upTo)],
      );
      const seqs = missing.map((r) => Number(r.seq));
      for (let i = 0; i < seqs.length; i += pageSize) {
        const rows = await readAnchorsOf(db, seqs.slice(i, i + pageSize));
        await warehouse.transaction((tx) => tx.append(STAGE_ANCHORS, rows));
      }
    }

    const anchored = await warehouse.transaction(async (tx) => {
      const where = workspaceId ? " where workspace_id = $1::uuid" : "";
      const params = workspaceId ? [workspaceId] : [];
      await tx.run(`delete from profile_identifiers${where}`, params);
      await tx.run(`insert into profile_identifiers select * from ${STAGE_IDENTIFIERS}`);
      await tx.run(`delete from profiles${where}`, params);
      await tx.run(`insert into profiles select * from ${STAGE_PROFILES}`);
      const [count] = await tx.query<{ n: bigint }>(`select count(*) as n from ${STAGE_ANCHORS}`);
      await tx.run(`update events set identifier_id = s.identifier_id from ${STAGE_ANCHORS} s
                    where events.seq = s.seq and events.identifier_id is null`);
      await followLateAnchors(tx, STAGE_ANCHORS);
      if (upTo > anchoredThrough) await moveWarehouseOffset(tx, WAREHOUSE_ANCHORS_OFFSET, upTo);
      return Number(count?.n ?? 0);
    });
    // Attributes kept in PostgreSQL follow the profiles they belong to: copy them for the same workspaces.
    const workspaceIds = workspaceId ? [workspaceId] : (await warehouse.query<{ w: string }>("select distinct workspace_id::varchar as w from profiles")).map((r) => r.w);
    for (const ws of workspaceIds) {
      await syncConsentsToWarehouse({ db, warehouse, workspaceId: ws });
    }
    // Tags are held at live profile ids: a merge this snapshot brings in moves them too.
    await syncTagsToWarehouse({ db, warehouse, workspaceId });
    return { identifiers, profiles, anchored };
  } finally {
    for (const table of [STAGE_IDENTIFIERS, STAGE_PROFILES, STAGE_ANCHORS]) await warehouse.run(`drop table if exists ${table}`);
  }
}

async function stagePages(warehouse: Warehouse, table: string, readPage: (after: string | null) => Promise<Page>): Promise<number> {
  let total = 0;
  let after: string | null = null;
  do {
    const page: Page = await readPage(after);
    total += await warehouse.transaction((tx) => tx.append(table, page.rows));
    after = page.next;
  } while (after !== null);
  return total;
}
