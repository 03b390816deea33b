import type { Db } from "@siyu/storage";
import type { Channel, MessagingSettings } from "@siyu/contracts";
import type { Clock } from "../shared/clock";
import type { WorkspaceContext } from "../shared/context";
import { createChannelRegistry, type ChannelAdapters } from "./channels/registry";
import { runDispatchBatch, type DispatchOptions, type DispatchReport } from "./dispatch/dispatcher";
import { createInboxService } from "./inbox/inbox.service";
import { maskSettings, messagingSettingsStore, replaceMessagingSettings } from "./messaging.settings";
import { createMessagesService } from "./outbox/messages.service";
import { createSuppressionsService } from "./suppressions/suppressions.service";
import { createTemplatesService } from "./templates/templates.service";
import type { SmsReply } from "./channels/sms-aliyun";
import { receiveSmsReplies, smsReplyCallbackToken } from "./unsubscribe/reply-callback";
import { unsubscribeByReply, unsubscribeByToken } from "./unsubscribe/unsubscribe.service";

export interface MessagingDeps {
  db: Db;
  clock: Clock;
  /** The channel adapters; createChannelRegistry's unless replaced. */
  adapters?: ChannelAdapters;
}

/** Templates, settings, suppression list, the message log, the inbox, unsubscribes and the dispatcher. */
export function createMessagingService(deps: MessagingDeps) {
  const { db, clock } = deps;
  const adapters = deps.adapters ?? createChannelRegistry({ db, clock });
  return {
    templates: createTemplatesService({ db, clock }),
    suppressions: createSuppressionsService({ db, clock }),
    messages: createMessagesService({ db, clock }),
    inbox: createInboxService({ db, clock }),
    /** The settings with provider credentials masked. */
    settings: async (ctx: WorkspaceContext): Promise<MessagingSettings> => maskSettings(await messagingSettingsStore.load(db, ctx.workspaceId)),
    replaceSettings: async (ctx: WorkspaceContext, body: MessagingSettings): Promise<MessagingSettings> => maskSettings(await replaceMessagingSettings(db, clock, ctx, body)),
    unsubscribeByReply: (workspaceId: string, channel: Channel, address: string, text: string) => unsubscribeByReply(db, clock, workspaceId, channel, address, text),
    unsubscribeByToken: (token: string) => unsubscribeByToken(db, clock, token),
    /** The path token of the workspace's SMS reply callback URL (a credential: shown to managers only). */
    smsReplyCallbackToken: (ctx: WorkspaceContext) => smsReplyCallbackToken(db, ctx.workspaceId, clock.now()),
    /** Replies a provider pushed to a callback URL; null when its token is not valid. */
    receiveSmsReplies: (callbackToken: string, replies: SmsReply[]) => receiveSmsReplies(db, clock, callbackToken, replies),
    /** One dispatcher pass (the worker's consumer loop). */
    dispatchNextBatch: (limit = 200, options: DispatchOptions = {}): Promise<DispatchReport> => runDispatchBatch(db, clock, adapters, limit, options),
  };
}
export type MessagingService = ReturnType<typeof createMessagingService>;
