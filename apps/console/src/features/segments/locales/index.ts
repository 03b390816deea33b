import { segmentsEn } from "./en";
import { segmentsZhCN } from "./zh-CN";

export const segmentsLocales = { en: segmentsEn, "zh-CN": segmentsZhCN };
