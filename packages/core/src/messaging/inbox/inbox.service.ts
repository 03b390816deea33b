import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { InboxPageDto } from "@siyu/contracts";
import type { Clock } from "../../shared/clock";
import type { WorkspaceContext } from "../../shared/context";
import { rows } from "../../shared/sql-rows";

const uuidArray = (ids: readonly string[]) => sql`${`{${ids.join(",")}}`}::uuid[]`;

/** The member's in-app inbox: newest first, paged by id (UUIDv7, time-ordered). */
export function createInboxService(deps: { db: Db; clock: Clock }) {
  const { db, clock } = deps;
  const unreadOf = async (ctx: WorkspaceContext, profileId: string) =>
    (await rows<{ n: number }>(db, sql`select count(*)::int as n from inbox_items where workspace_id = ${ctx.workspaceId}::uuid and profile_id = ${profileId}::uuid and read_at is null`))[0]?.n ?? 0;
  return {
    async list(ctx: WorkspaceContext, profileId: string, query: { limit: number; cursor?: string }): Promise<InboxPageDto> {
      const cursor = query.cursor && /^[0-9a-f-]{36}$/.test(query.cursor) ? query.cursor : null;
      const found = await rows<{ id: string; title: string; body: string; url: string; created_at: string | Date; read_at: string | Date | null }>(
        db,
        sql`select id, title, body, url, created_at, read_at from inbox_items
            where workspace_id = ${ctx.workspaceId}::uuid and profile_id = ${profileId}::uuid ${cursor ? sql`and id < ${cursor}::uuid` : sql``}
            order by id desc limit ${query.limit + 1}`,
      );
      const items = found.slice(0, query.limit).map((r) => ({
        id: r.id,
        title: r.title,
        body: r.body,
        url: r.url,
        createdAt: new Date(r.created_at).toISOString(),
        readAt: r.read_at === null ? null : new Date(r.read_at).toISOString(),
      }));
      return { items, nextCursor: found.length > query.limit ? (items.at(-1)?.id ?? null) : null, unread: await unreadOf(ctx, profileId) };
    },
    /** Marks the member's own items read (others' ids are ignored); returns how many changed and what is left unread. */
    async markRead(ctx: WorkspaceContext, profileId: string, ids: readonly string[]): Promise<{ marked: number; unread: number }> {
      const changed = await rows<{ id: string }>(
        db,
        sql`update inbox_items set read_at = ${clock.now().toISOString()}::timestamptz
            where workspace_id = ${ctx.workspaceId}::uuid and profile_id = ${profileId}::uuid and id = any(${uuidArray(ids)}) and read_at is null returning id`,
      );
      return { marked: changed.length, unread: await unreadOf(ctx, profileId) };
    },
  };
}
export type InboxService = ReturnType<typeof createInboxService>;
