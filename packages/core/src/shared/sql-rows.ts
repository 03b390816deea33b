import type { SQL } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";

/** Rows of a raw SQL query as plain objects (both drivers answer `{ rows }`); `T` names their shape. */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  return ((await db.execute(query)) as unknown as { rows: T[] }).rows;
}
