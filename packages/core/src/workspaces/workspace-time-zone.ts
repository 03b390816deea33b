import type { Db } from "@siyu/storage";
import { eq } from "@siyu/storage/orm";
import { workspaces } from "./workspaces.schema";

/** Where a workspace's zone is unknown (a row deleted under a running job), days are counted in the default brand's zone. */
export const DEFAULT_TIME_ZONE = "Asia/Shanghai";

/** The workspace's IANA time zone: local days, weeks, birthdays, member days and calendar years are counted there. */
export async function workspaceTimeZone(db: Db, workspaceId: string): Promise<string> {
  const [row] = await db.select({ timezone: workspaces.timezone }).from(workspaces).where(eq(workspaces.id, workspaceId));
  return row?.timezone ?? DEFAULT_TIME_ZONE;
}
