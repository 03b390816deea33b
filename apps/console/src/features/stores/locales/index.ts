import { storesEn } from "./en";
import { storesZhCN } from "./zh-CN";

export const storesLocales = { en: storesEn, "zh-CN": storesZhCN };
