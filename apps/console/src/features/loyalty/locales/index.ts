import { loyaltyEn } from "./en";
import { loyaltyZhCN } from "./zh-CN";

export const loyaltyLocales = { en: loyaltyEn, "zh-CN": loyaltyZhCN };
