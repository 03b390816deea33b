import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { rows } from "../../shared/sql-rows";

/**
 * The statuses of a message a channel has taken: delivered (the provider accepted it, or the inbox
 * holds it) or, on WeCom, handed to the staff member who confirms the mass send. A message still
 * `sending` may yet be retried or fail; webhooks go to the brand's systems, not to a customer.
 */
export const HANDED_OVER_STATUSES = ["delivered", "pending_confirmation"] as const;

/**
 * Messages to customers a channel took, counted by when they were sent: `bounds` are ascending
 * instants (local midnights, say) and the answer's item i counts those sent in [bounds[i], bounds[i + 1]).
 * One index range (messages_sent) and one pass, however many days.
 */
export async function messagesSentBetween(db: Db, workspaceId: string, bounds: readonly Date[]): Promise<number[]> {
  const counts = Array.from({ length: Math.max(0, bounds.length - 1) }, () => 0);
  if (counts.length === 0) return counts;
  const edges = `{${bounds.map((b) => b.toISOString()).join(",")}}`;
  const found = await rows<{ bucket: number; n: number }>(
    db,
    sql`select width_bucket(sent_at, ${edges}::timestamptz[]) as bucket, count(*)::int as n
        from messages
        where workspace_id = ${workspaceId}::uuid and sent_at >= ${bounds[0]!.toISOString()}::timestamptz
          and sent_at < ${bounds[bounds.length - 1]!.toISOString()}::timestamptz
          and status = any(${`{${HANDED_OVER_STATUSES.join(",")}}`}::text[]) and channel <> 'webhook'
        group by 1`,
  );
  for (const f of found) counts[Number(f.bucket) - 1] = Number(f.n);
  return counts;
}
