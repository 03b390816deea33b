export { LoyaltyPage } from "./components/loyalty-page";
export { CustomerLoyaltyCard } from "./components/customer-loyalty-card";
