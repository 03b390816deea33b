import { attributionEn } from "./en";
import { attributionZhCN } from "./zh-CN";

export const attributionLocales = { en: attributionEn, "zh-CN": attributionZhCN };
