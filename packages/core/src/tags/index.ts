export { createTagsService } from "./tags.service";
export type { TagsService } from "./tags.service";
export type { TagsDeps, EvaluateRule } from "./tags.types";
export { tagErrors } from "./tags.errors";
export { TagSettings, DEFAULT_TAG_SETTINGS, DEFAULT_QUANTILE_LEVELS } from "./tags.settings";
export { syncTagsToWarehouse, syncProfileTagsToWarehouse, computeQuantileLevels } from "./tags.warehouse";
export type { SyncTagsInput } from "./tags.warehouse";
export { tagGroups, tags, profileTags } from "./tags.schema";
