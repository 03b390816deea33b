import type { ScoresSettingsDto } from "@siyu/contracts";

/** The saved settings with the form's sections laid over them (antd returns only registered fields). */
export function mergeSettings(saved: ScoresSettingsDto, edited: Partial<ScoresSettingsDto>): ScoresSettingsDto {
  return {
    rfm: { ...saved.rfm, ...edited.rfm, thresholds: { ...saved.rfm.thresholds, ...edited.rfm?.thresholds } },
    lifecycle: { ...saved.lifecycle, ...edited.lifecycle },
    valuePyramid: { ...saved.valuePyramid, ...edited.valuePyramid },
    schedule: { ...saved.schedule, ...edited.schedule },
  };
}
