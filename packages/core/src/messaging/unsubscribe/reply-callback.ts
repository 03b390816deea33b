import { createHmac, timingSafeEqual } from "node:crypto";
import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { Clock } from "../../shared/clock";
import { rows } from "../../shared/sql-rows";
import type { SmsReply } from "../channels/sms-aliyun";
import { unsubscribeSecret } from "./unsubscribe-token";
import { unsubscribeByReply } from "./unsubscribe.service";

/** The providers whose reply callbacks the server answers. */
export const SMS_REPLY_PROVIDERS = ["aliyun", "tencent"] as const;
export type SmsReplyProvider = (typeof SMS_REPLY_PROVIDERS)[number];

const uuidBytes = (id: string) => Buffer.from(id.replace(/-/g, ""), "hex");
const uuidOf = (bytes: Buffer) => {
  const h = bytes.toString("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};
// A purpose prefix, so the MAC of a callback token can never double as an unsubscribe link's.
const mac = (secret: string, payload: string) => createHmac("sha256", secret).update(`sms-reply-callback:${payload}`).digest().subarray(0, 16).toString("base64url");

/**
 * The path token of the workspace's SMS reply callback URL: `<base64url(workspace id)>.<MAC>`, derived from
 * the workspace's messaging secret (the unsubscribe-link one), so nothing new is stored and it cannot be guessed.
 */
export async function smsReplyCallbackToken(db: Db, workspaceId: string, now: Date): Promise<string> {
  const secret = await unsubscribeSecret(db, workspaceId, now);
  const payload = uuidBytes(workspaceId).toString("base64url");
  return `${payload}.${mac(secret, payload)}`;
}

/** The workspace a callback token belongs to, or null when it is malformed, unknown or forged. */
export async function workspaceOfCallbackToken(db: Db, token: string): Promise<string | null> {
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined || payload.length !== 22 || signature.length !== 22) return null;
  const bytes = Buffer.from(payload, "base64url");
  if (bytes.length !== 16 || bytes.toString("base64url") !== payload) return null;
  const workspaceId = uuidOf(bytes);
  const [found] = await rows<{ secret: string }>(db, sql`select s.secret from messaging_secrets s join workspaces w on w.id = s.workspace_id where s.workspace_id = ${workspaceId}::uuid`);
  if (!found) return null;
  const expected = Buffer.from(mac(found.secret, payload));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? workspaceId : null;
}

/**
 * Inbound SMS replies pushed by a provider to the workspace's callback URL: each one that is an
 * unsubscribe keyword ("R", "退订" …) withdraws its sender's SMS marketing consent.
 * Null when the token is not valid; otherwise the profiles that were unsubscribed.
 */
export async function receiveSmsReplies(db: Db, clock: Clock, token: string, replies: SmsReply[]): Promise<{ unsubscribed: string[] } | null> {
  const workspaceId = await workspaceOfCallbackToken(db, token);
  if (!workspaceId) return null;
  const unsubscribed = new Set<string>();
  for (const reply of replies) for (const id of await unsubscribeByReply(db, clock, workspaceId, "sms", reply.phone, reply.content)) unsubscribed.add(id);
  return { unsubscribed: [...unsubscribed] };
}
