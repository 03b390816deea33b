import { exploreEn } from "./en";
import { exploreZhCN } from "./zh-CN";

export const exploreLocales = { en: exploreEn, "zh-CN": exploreZhCN };
