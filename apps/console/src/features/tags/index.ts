export { TagManagerPage } from "./components/tag-manager-page";
export { CustomerTagsCard } from "./components/customer-tags-card";
export { TagChip } from "./components/tag-chip";
/** The workspace's tag groups and tags, for pickers such as the segment builder's tag condition. */
export { useTags, tagKeys } from "./api/tags-api";
export { simpleRuleToSegmentRule, segmentRuleToSimpleRule } from "./tag-definitions";
