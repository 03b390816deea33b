import { clvEn } from "./en";
import { clvZhCN } from "./zh-CN";

export const clvLocales = { en: clvEn, "zh-CN": clvZhCN };
