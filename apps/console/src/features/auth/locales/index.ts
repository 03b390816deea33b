import { authEn } from "./en";
import { authZhCN } from "./zh-CN";

export const authLocales = { en: authEn, "zh-CN": authZhCN };
