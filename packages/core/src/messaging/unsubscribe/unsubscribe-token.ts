import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { CHANNELS, type Channel } from "@siyu/contracts";
import { rows } from "../../shared/sql-rows";

/** The workspace's unsubscribe-link secret, created on first use. */
export async function unsubscribeSecret(db: Db, workspaceId: string, now: Date): Promise<string> {
  await db.execute(sql`insert into messaging_secrets (workspace_id, secret, created_at)
    values (${workspaceId}::uuid, ${randomBytes(32).toString("base64url")}, ${now.toISOString()}::timestamptz) on conflict (workspace_id) do nothing`);
  const [row] = await rows<{ secret: string }>(db, sql`select secret from messaging_secrets where workspace_id = ${workspaceId}::uuid`);
  return row!.secret;
}

const mac = (secret: string, payload: string) => createHmac("sha256", secret).update(payload).digest("base64url");

/** `<base64url(workspace:profile:channel)>.<HMAC>`: a link in a message that needs no sign-in and cannot be forged. */
export function signUnsubscribeToken(secret: string, workspaceId: string, profileId: string, channel: Channel): string {
  const payload = Buffer.from(`${workspaceId}:${profileId}:${channel}`).toString("base64url");
  return `${payload}.${mac(secret, payload)}`;
}

export interface UnsubscribeClaim {
  workspaceId: string;
  profileId: string;
  channel: Channel;
}

/** The claim of a well-formed token (not yet verified: its workspace's secret checks it). */
export function readUnsubscribeToken(token: string): (UnsubscribeClaim & { payload: string; signature: string }) | null {
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined || payload.length > 200) return null;
  const [workspaceId, profileId, channel, rest] = Buffer.from(payload, "base64url").toString("utf8").split(":");
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
  if (!workspaceId || !profileId || !channel || rest !== undefined || !uuid.test(workspaceId) || !uuid.test(profileId)) return null;
  if (!(CHANNELS as readonly string[]).includes(channel)) return null;
  return { workspaceId, profileId, channel: channel as Channel, payload, signature };
}

export function verifySignature(secret: string, payload: string, signature: string): boolean {
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
