export { LoyaltyPage } from "./components/loyalty-page";
