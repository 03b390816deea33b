import type { Channel, TemplateContent } from "@siyu/contracts";
import type { Db } from "@siyu/storage";

/** A message judged sendable: rendered, addressed, past every guard. */
export interface OutgoingMessage {
  /** The outbox row's id: providers that take a client id get it, so a retried delivery is recognised. */
  id: string;
  workspaceId: string;
  profileId: string;
  channel: Channel;
  category: "targeted" | "general" | "service";
  /** Phone (E.164), email, OpenID, external_userid, URL … as the channel needs. */
  address: string;
  rendered: TemplateContent;
  /** The attempt number, from 1. */
  attempt: number;
}

export type DeliveryResult =
  /** The provider took it (for the provider's own receipts, its id). */
  | { status: "delivered"; providerId?: string }
  /** A WeCom mass send: created, waits for the staff member to confirm it. */
  | { status: "pending_confirmation"; providerId?: string }
  /** Worth trying again (network, 5xx, 429, provider throttling), after `retryAfterMs` when known. */
  | { status: "retry"; error: string; retryAfterMs?: number }
  /** Never worth trying again (4xx, 410 Gone, invalid address). */
  | { status: "failed"; error: string };

/**
 * One channel's delivery, behind one interface: the dispatcher never knows a provider's protocol.
 * `config` is the workspace's channel settings (MessagingSettings.channels[channel].config).
 */
export interface ChannelAdapter {
  channel: Channel;
  /** Which profile identifier the channel sends to (phone, email, wechat_openid …); null when the message carries it. */
  addressType: string | null;
  deliver(message: OutgoingMessage, config: Record<string, string>): Promise<DeliveryResult>;
  /**
   * A whole dispatcher batch's messages of this channel at once (one answer per message, in order),
   * for channels that can hand them over set-based — the inbox writes them in one statement.
   */
  deliverMany?(items: readonly { message: OutgoingMessage; config: Record<string, string> }[]): Promise<DeliveryResult[]>;
  /**
   * For a channel whose delivery is a write to Siyu's own database (the inbox): the batch's messages
   * written inside the dispatcher's claim transaction, so they are delivered with their verdicts,
   * exactly once by that transaction, with no `sending` round and no outcome to record after it.
   */
  deliverWithin?(tx: Db, messages: readonly OutgoingMessage[]): Promise<void>;
}
