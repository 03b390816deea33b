import { sql } from "drizzle-orm";
import type { Db } from "./database";

/**
 * Deletes every row of one workspace from every table that has a workspace_id
 * column, then the workspace itself: new modules are covered without a list to keep.
 */
export async function deleteWorkspaceRows(db: Db, workspaceId: string): Promise<number> {
  const tables = (await db.execute(sql`
    select table_name from information_schema.columns
    where column_name = 'workspace_id' and table_schema = current_schema()`)) as unknown as { rows: { table_name: string }[] };
  let deleted = 0;
  for (const { table_name } of tables.rows) {
    const result = await db.execute(sql`delete from ${sql.identifier(table_name)} where workspace_id = ${workspaceId}`);
    deleted += (result as unknown as { affectedRows?: number; rowCount?: number }).affectedRows ?? (result as { rowCount?: number }).rowCount ?? 0;
  }
  await db.execute(sql`delete from workspaces where id = ${workspaceId}`);
  return deleted;
}
