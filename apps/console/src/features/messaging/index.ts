export { BroadcastsPage } from "./components/broadcasts-page";
export { ChannelsPage } from "./components/channels-page";
export { CustomerMessagesCard } from "./components/customer-messages-card";
export { MessagesPage } from "./components/messages-page";
export { TemplatesPage } from "./components/templates-page";
