export { JourneyListPage } from "./components/journey-list-page";
export { JourneyEditorPage } from "./components/journey-editor-page";
