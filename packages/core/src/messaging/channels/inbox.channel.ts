import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { Clock } from "../../shared/clock";
import { newId } from "../../shared/ids";
import type { ChannelAdapter, OutgoingMessage } from "./channel";

/**
 * Delivers to the member's in-app inbox (inbox_items), a batch in one statement; a retried message id
 * adds nothing. The dispatcher has it write inside its claim transaction (`deliverWithin`).
 */
export function createInboxChannel(deps: { db: Db; clock: Clock }): ChannelAdapter {
  async function insert(db: Db, messages: readonly OutgoingMessage[]) {
    const items = messages.map((m) => ({
      id: newId(),
      workspace_id: m.workspaceId,
      profile_id: m.address,
      message_id: m.id,
      title: m.rendered.subject,
      body: m.rendered.body,
      url: m.rendered.url,
    }));
    await db.execute(sql`insert into inbox_items (id, workspace_id, profile_id, message_id, title, body, url, created_at)
      select x.id, x.workspace_id, x.profile_id, x.message_id, x.title, x.body, x.url, ${deps.clock.now().toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as x(id uuid, workspace_id uuid, profile_id uuid, message_id uuid, title text, body text, url text)
      on conflict (message_id) do nothing`);
  }
  return {
    channel: "inbox",
    addressType: "profile_id",
    async deliver(message) {
      await insert(deps.db, [message]);
      return { status: "delivered" };
    },
    async deliverMany(items) {
      await insert(deps.db, items.map((i) => i.message));
      return items.map(() => ({ status: "delivered" }));
    },
    deliverWithin: (tx, messages) => insert(tx, messages),
  };
}
