export { SegmentBuilderPage } from "./components/segment-builder-page";
export { SegmentDetailPage } from "./components/segment-detail-page";
export { SegmentListPage } from "./components/segment-list-page";
export { RuleBuilder } from "./components/rule-builder";
