import { checkInsEn } from "./check-ins.en";
import { checkInsZhCN } from "./check-ins.zh-CN";
import { loyaltyEn } from "./en";
import { loyaltyZhCN } from "./zh-CN";

export const loyaltyLocales = { en: { ...loyaltyEn, ...checkInsEn }, "zh-CN": { ...loyaltyZhCN, ...checkInsZhCN } };
