import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { Clock } from "../../shared/clock";
import { newId } from "../../shared/ids";
import type { ChannelAdapter } from "./channel";

/** Delivers to the member's in-app inbox (inbox_items); a retried message id adds nothing. */
export function createInboxChannel(deps: { db: Db; clock: Clock }): ChannelAdapter {
  return {
    channel: "inbox",
    addressType: "profile_id",
    async deliver(message) {
      const { subject, body, url } = message.rendered;
      await deps.db.execute(sql`insert into inbox_items (id, workspace_id, profile_id, message_id, title, body, url, created_at)
        values (${newId()}::uuid, ${message.workspaceId}::uuid, ${message.address}::uuid, ${message.id}::uuid, ${subject}, ${body}, ${url}, ${deps.clock.now().toISOString()}::timestamptz)
        on conflict (message_id) do nothing`);
      return { status: "delivered" };
    },
  };
}
