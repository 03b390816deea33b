import { loyaltyEn } from "./en";
import { loyaltyValueEn } from "./value-en";
import { loyaltyValueZhCN } from "./value-zh-CN";
import { loyaltyZhCN } from "./zh-CN";

export const loyaltyLocales = { en: { ...loyaltyEn, ...loyaltyValueEn }, "zh-CN": { ...loyaltyZhCN, ...loyaltyValueZhCN } };
