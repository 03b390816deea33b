import { apiKeysEn } from "./en";
import { apiKeysZhCN } from "./zh-CN";

export const apiKeysLocales = { en: apiKeysEn, "zh-CN": apiKeysZhCN };
