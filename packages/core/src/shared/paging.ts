import { isUuid } from "./ids";

/** Cursors are the last id seen: ids are time-ordered, so "after this id" is stable under inserts. */
export function decodeCursor(cursor: string | undefined): string | null {
  if (!cursor) return null;
  return isUuid(cursor) ? cursor.toLowerCase() : null;
}

export function pageResult<T extends { id: string }>(rows: T[], limit: number): { items: T[]; nextCursor: string | null } {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last ? last.id : null };
}
