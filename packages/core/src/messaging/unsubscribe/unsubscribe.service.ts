import { sql } from "@siyu/storage/orm";
import type { Db } from "@siyu/storage";
import type { Channel } from "@siyu/contracts";
import { createConsentsService } from "../../consents";
import { createProfilesService } from "../../profiles";
import type { Clock } from "../../shared/clock";
import { systemContext, type WorkspaceContext } from "../../shared/context";
import { rows } from "../../shared/sql-rows";
import { messagingSettingsStore } from "../messaging.settings";
import { readUnsubscribeToken, unsubscribeSecret, verifySignature } from "./unsubscribe-token";

const memberContext = (workspaceId: string): WorkspaceContext => ({ ...systemContext(workspaceId), actor: { type: "system", id: null, name: "member" } });

/** Withdraws the profile's marketing consent on a channel, recorded as the member's own decision. */
async function withdrawMarketing(db: Db, clock: Clock, workspaceId: string, profileId: string, channel: Channel): Promise<void> {
  const profiles = createProfilesService({ db, clock });
  const consents = createConsentsService({ db, clock, resolveProfileId: profiles.resolveId });
  await consents.set(memberContext(workspaceId), profileId, { consents: [{ channel, purpose: "marketing", granted: false }] }, "member");
}

/** The live profiles an inbound reply's sender address belongs to on a channel. */
async function profilesAt(db: Db, workspaceId: string, channel: Channel, address: string): Promise<string[]> {
  const a = address.trim();
  if (channel === "sms") {
    const found = await rows<{ id: string }>(
      db,
      sql`select id from profiles where workspace_id = ${workspaceId}::uuid and merged_into is null and phone = ${a}
          union select profile_id from identity_identifiers where workspace_id = ${workspaceId}::uuid and type = 'phone' and value = ${a}`,
    );
    return found.map((r) => r.id);
  }
  const type = channel === "email" ? "email" : channel === "wecom" ? "wecom_external_userid" : channel === "wechat_subscribe" || channel === "wechat_template" ? "wechat_openid" : null;
  if (!type) return [];
  const value = type === "email" ? a.toLowerCase() : a;
  const found = await rows<{ id: string }>(
    db,
    sql`select distinct profile_id as id from identity_identifiers where workspace_id = ${workspaceId}::uuid and type = ${type}
        and (value = ${value} or (${type} = 'wechat_openid' and value like ${`%:${value}`}))`,
  );
  return found.map((r) => r.id);
}

/**
 * An inbound reply (SMS "R", "退订" …) matched whole and case-insensitively against the workspace's
 * unsubscribe keywords withdraws the sender's marketing consent on that channel. Returns the profiles it changed.
 */
export async function unsubscribeByReply(db: Db, clock: Clock, workspaceId: string, channel: Channel, address: string, text: string): Promise<string[]> {
  const settings = await messagingSettingsStore.load(db, workspaceId);
  const reply = text.trim().toLowerCase();
  if (!settings.unsubscribeKeywords.some((k) => k.trim().toLowerCase() === reply)) return [];
  const ids = await profilesAt(db, workspaceId, channel, address);
  for (const id of ids) await withdrawMarketing(db, clock, workspaceId, id, channel);
  return ids;
}

/** A signed unsubscribe link: verifies it and withdraws marketing consent; null when the link is not valid. */
export async function unsubscribeByToken(db: Db, clock: Clock, token: string): Promise<{ workspaceName: string; channel: Channel } | null> {
  const claim = readUnsubscribeToken(token);
  if (!claim) return null;
  const [ws] = await rows<{ name: string }>(db, sql`select name from workspaces where id = ${claim.workspaceId}::uuid`);
  if (!ws) return null;
  const secret = await unsubscribeSecret(db, claim.workspaceId, clock.now());
  if (!verifySignature(secret, claim.payload, claim.signature)) return null;
  const [profile] = await rows<{ id: string }>(db, sql`select id from profiles where id = ${claim.profileId}::uuid and workspace_id = ${claim.workspaceId}::uuid`);
  if (!profile) return null;
  await withdrawMarketing(db, clock, claim.workspaceId, claim.profileId, claim.channel);
  return { workspaceName: ws.name, channel: claim.channel };
}
