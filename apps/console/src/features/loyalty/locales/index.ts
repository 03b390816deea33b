import { catalogueEn } from "./catalogue.en";
import { catalogueZhCN } from "./catalogue.zh-CN";
import { checkInsEn } from "./check-ins.en";
import { checkInsZhCN } from "./check-ins.zh-CN";
import { loyaltyCouponsTiersEn } from "./coupons-tiers.en";
import { loyaltyCouponsTiersZhCN } from "./coupons-tiers.zh-CN";
import { engagementEn } from "./engagement.en";
import { engagementZhCN } from "./engagement.zh-CN";
import { loyaltyEn } from "./en";
import { loyaltyValueEn } from "./value-en";
import { loyaltyValueZhCN } from "./value-zh-CN";
import { loyaltyZhCN } from "./zh-CN";

// Features of the loyalty page keep their strings in files of their own, merged here.
export const loyaltyLocales = {
  en: { ...loyaltyEn, ...engagementEn, ...catalogueEn, ...checkInsEn, ...loyaltyCouponsTiersEn, ...loyaltyValueEn },
  "zh-CN": { ...loyaltyZhCN, ...engagementZhCN, ...catalogueZhCN, ...checkInsZhCN, ...loyaltyCouponsTiersZhCN, ...loyaltyValueZhCN },
};
