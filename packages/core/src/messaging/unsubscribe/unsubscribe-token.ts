import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import { CHANNELS, type Channel } from "@siyu/contracts";
import { rows } from "../../shared/sql-rows";

/** The workspace's unsubscribe-link secret, created on first use (one read each time after that). */
export async function unsubscribeSecret(db: Db, workspaceId: string, now: Date): Promise<string> {
  const read = async () => (await rows<{ secret: string }>(db, sql`select secret from messaging_secrets where workspace_id = ${workspaceId}::uuid`))[0]?.secret;
  const found = await read();
  if (found !== undefined) return found;
  await db.execute(sql`insert into messaging_secrets (workspace_id, secret, created_at)
    values (${workspaceId}::uuid, ${randomBytes(32).toString("base64url")}, ${now.toISOString()}::timestamptz) on conflict (workspace_id) do nothing`);
  return (await read())!;
}

// Links must stay short (SMS, and routers' path-parameter limits): ids as raw bytes, a 128-bit MAC.
const mac = (secret: string, payload: string) => createHmac("sha256", secret).update(payload).digest().subarray(0, 16).toString("base64url");
const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ""), "hex");
const uuidOf = (bytes: Buffer) => {
  const h = bytes.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/** `<base64url(workspace ‖ profile ‖ channel)>.<MAC>` (≈ 67 characters): a link that needs no sign-in and cannot be forged. */
export function signUnsubscribeToken(secret: string, workspaceId: string, profileId: string, channel: Channel): string {
  const payload = Buffer.concat([uuidBytes(workspaceId), uuidBytes(profileId), Buffer.from([CHANNELS.indexOf(channel)])]).toString("base64url");
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
  if (!payload || !signature || extra !== undefined || payload.length > 60) return null;
  const bytes = Buffer.from(payload, "base64url");
  if (bytes.length !== 33) return null;
  const channel = CHANNELS[bytes[32]!];
  if (!channel) return null;
  return { workspaceId: uuidOf(bytes.subarray(0, 16)), profileId: uuidOf(bytes.subarray(16, 32)), channel, payload, signature };
}

export function verifySignature(secret: string, payload: string, signature: string): boolean {
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
