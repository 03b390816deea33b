export { RfmPage } from "./components/rfm-page";
export { LifecyclePage } from "./components/lifecycle-page";
export { CustomerScoresCard } from "./components/customer-scores-card";
