import type { Db } from "@siyu/storage";
import type { Channel } from "@siyu/contracts";
import type { Clock } from "../../shared/clock";
import type { ChannelAdapter } from "./channel";
import { createEmailChannel } from "./email.channel";
import { createInboxChannel } from "./inbox.channel";
import { createSmsChannel } from "./sms.channel";
import { createWechatSubscribeChannel, createWechatTemplateChannel } from "./wechat.channel";
import { createWecomChannel } from "./wecom.channel";
import { createWebhookChannel } from "./webhook.channel";

export type ChannelAdapters = Partial<Record<Channel, ChannelAdapter>>;

export interface ChannelRegistryDeps {
  db: Db;
  clock: Clock;
  /** Replaces global fetch for the HTTP channels (tests). */
  fetch?: typeof fetch;
}

/** The adapter of each channel Siyu can deliver on; a channel without one fails its messages. */
export function createChannelRegistry(deps: ChannelRegistryDeps): ChannelAdapters {
  return {
    webhook: createWebhookChannel({ fetch: deps.fetch, now: () => deps.clock.now() }),
    inbox: createInboxChannel({ db: deps.db, clock: deps.clock }),
    email: createEmailChannel({ clock: deps.clock }),
    sms: createSmsChannel({ fetch: deps.fetch, clock: deps.clock }),
    // WeCom reserves each customer's allowance and the staff member's rate in its own transaction.
    wecom: createWecomChannel({ db: deps.db, fetch: deps.fetch, clock: deps.clock }),
    wechat_subscribe: createWechatSubscribeChannel({ fetch: deps.fetch, clock: deps.clock }),
    wechat_template: createWechatTemplateChannel({ fetch: deps.fetch, clock: deps.clock }),
  };
}
