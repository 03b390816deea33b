export { messages } from "./outbox/outbox.schema";
export { queueMessages, type QueueMessageRequest } from "./outbox/queue-messages";
export type { ChannelAdapter, DeliveryResult, OutgoingMessage } from "./channels/channel";
export * from "./channels/provider-channels";
