import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { profilesMergedInto } from "../../profiles";
import { rows } from "../points/points.ledger";
import { liveRoot } from "../points/points.jobs";
import { lockBalance, post, type Balance } from "./stored-value.ledger";

// Stored value across merges: a member is a live profile with the profiles merged into it. Reads
// include them (memberProfiles); operations and the job move what they hold onto the live profile.

/** The live profile and the profiles merged into it: one member's stored value. */
export async function memberProfiles(db: Db, workspaceId: string, liveId: string): Promise<string[]> {
  const found = await rows<{ id: string }>(db, sql`select id from ${profilesMergedInto(workspaceId, [liveId])} m where m.id <> ${liveId}::uuid`);
  return [liveId, ...found.map((f) => f.id)];
}

/**
 * Moves onto the live profile `liveId` (whose account the caller has locked, as `balance`) the stored
 * value of every profile merged into it: each merged account is locked after it (survivor first,
 * everywhere, so two folds never deadlock), its lots change owner with their remaining amounts and
 * bonus expiry, and two transactions move its balances — `merge_out` on the merged profile
 * (member_principal and member_bonus Dr, merge_transfer Cr) and `merge_in` on the live one (the
 * reverse) — so each balances, the clearing account nets to zero, and what the brand owes is
 * unchanged. Answers the live profile and the profiles merged into it.
 */
export async function foldMergedInto(tx: Db, workspaceId: string, liveId: string, balance: Balance, actor: string, now: Date): Promise<string[]> {
  const merged = await rows<{ id: string; principal_minor: string | number | null; bonus_minor: string | number | null }>(
    tx,
    sql`select m.id, a.principal_minor, a.bonus_minor from ${profilesMergedInto(workspaceId, [liveId])} m
        left join lateral (select principal_minor, bonus_minor from stored_value_accounts a where a.workspace_id = ${workspaceId}::uuid and a.profile_id = m.id) a on true
        where m.id <> ${liveId}::uuid order by m.id`,
  );
  for (const m of merged) {
    if (Number(m.principal_minor ?? 0) === 0 && Number(m.bonus_minor ?? 0) === 0) continue;
    const from = await lockBalance(tx, workspaceId, m.id, now);
    const principal = from.principal;
    const bonus = from.bonus;
    if (principal === 0 && bonus === 0) continue;
    await tx.execute(sql`update stored_value_lots set profile_id = ${liveId}::uuid where workspace_id = ${workspaceId}::uuid and profile_id = ${m.id}::uuid`);
    const key = `merge:${m.id}:${from.version}`;
    const moved = { principal, bonus, actor, lots: [] };
    await post(
      tx,
      workspaceId,
      m.id,
      from,
      {
        ...moved,
        kind: "merge_out",
        reference: liveId,
        key: `${key}:out`,
        postings: [
          ["member_principal", principal],
          ["member_bonus", bonus],
          ["merge_transfer", -(principal + bonus)],
        ],
      },
      now,
    );
    await post(
      tx,
      workspaceId,
      liveId,
      balance,
      {
        ...moved,
        kind: "merge_in",
        reference: m.id,
        key: `${key}:in`,
        postings: [
          ["merge_transfer", principal + bonus],
          ["member_principal", -principal],
          ["member_bonus", -bonus],
        ],
      },
      now,
    );
  }
  return [liveId, ...merged.map((m) => m.id)];
}

/**
 * The job: folds the stored value of every merged-away profile that still holds some into its live
 * profile (what no operation of the live profile has folded yet, chains of merges included).
 */
export async function foldMergedStoredValue(db: Db, now: Date): Promise<number> {
  const held = await rows<{ workspace_id: string; profile_id: string }>(
    db,
    sql`select a.workspace_id, a.profile_id from stored_value_accounts a
        join profiles p on p.workspace_id = a.workspace_id and p.id = a.profile_id
        where p.merged_into is not null and (a.principal_minor <> 0 or a.bonus_minor <> 0)`,
  );
  let folded = 0;
  for (const h of held) {
    await db.transaction(async (tx) => {
      const live = await liveRoot(tx, h.workspace_id, h.profile_id);
      if (!live || live === h.profile_id) return;
      const balance = await lockBalance(tx, h.workspace_id, live, now);
      await foldMergedInto(tx, h.workspace_id, live, balance, "system", now);
      folded++;
    });
  }
  return folded;
}
