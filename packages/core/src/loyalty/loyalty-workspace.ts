import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { rows } from "./points/points.ledger";

/** The workspace's time zone, for local days, birthdays, member days and calendar years. */
export async function workspaceTimeZone(db: Db, workspaceId: string): Promise<string> {
  const [row] = await rows<{ timezone: string }>(db, sql`select timezone from workspaces where id = ${workspaceId}::uuid`);
  return row?.timezone ?? "Asia/Shanghai";
}
