export { StoreListPage } from "./components/store-list-page";
