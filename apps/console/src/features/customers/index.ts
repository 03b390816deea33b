export { CustomerListPage } from "./components/customer-list-page";
export { CustomerProfilePage } from "./components/customer-profile-page";
export { IdentityConflictsPage } from "./components/identity-conflicts-page";
export { IdentityRulesPage } from "./components/identity-rules-page";
