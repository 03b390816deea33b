import { catalogueEn } from "./catalogue.en";
import { catalogueZhCN } from "./catalogue.zh-CN";
import { loyaltyEn } from "./en";
import { loyaltyZhCN } from "./zh-CN";

export const loyaltyLocales = { en: { ...loyaltyEn, ...catalogueEn }, "zh-CN": { ...loyaltyZhCN, ...catalogueZhCN } };
