export { CustomerClvCard } from "./components/customer-clv-card";
