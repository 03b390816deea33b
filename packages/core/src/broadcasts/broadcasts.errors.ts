import { defineErrors } from "../shared/domain-error";

export const broadcastErrors = defineErrors({
  "broadcasts.not_found": 404,
  /** The segment (`segmentId`) is not in this workspace. */
  "broadcasts.segment_not_found": 422,
  /** The template (`templateId`) is not in this workspace. */
  "broadcasts.template_not_found": 422,
  /** The template (`templateId`) is for another channel than the broadcast's. */
  "broadcasts.template_channel": 422,
  /** `startAt` lies in the past. */
  "broadcasts.start_in_past": 422,
  /** Only a scheduled or sending broadcast can be cancelled. */
  "broadcasts.not_cancellable": 409,
});
