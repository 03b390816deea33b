import { loyaltyCouponsTiersEn } from "./coupons-tiers.en";
import { loyaltyCouponsTiersZhCN } from "./coupons-tiers.zh-CN";
import { loyaltyEn } from "./en";
import { loyaltyZhCN } from "./zh-CN";

export const loyaltyLocales = { en: { ...loyaltyEn, ...loyaltyCouponsTiersEn }, "zh-CN": { ...loyaltyZhCN, ...loyaltyCouponsTiersZhCN } };
