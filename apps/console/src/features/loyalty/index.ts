export { LoyaltyPage } from "./components/loyalty-page";
export { CustomerLoyaltyCard } from "./components/customer-loyalty-card";
export { CustomerEngagementCard } from "./components/customer-engagement-card";
