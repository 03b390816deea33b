import { journeysEn } from "./en";
import { journeysZhCN } from "./zh-CN";

export const journeysLocales = { en: journeysEn, "zh-CN": journeysZhCN };
