export { messages } from "./outbox/outbox.schema";
export { messageTemplates } from "./templates/templates.schema";
export { messagingSuppressions } from "./suppressions/suppressions.schema";
export { inboxItems } from "./inbox/inbox.schema";
export { messagingSecrets } from "./unsubscribe/unsubscribe.schema";
