import { engagementEn } from "./engagement.en";
import { engagementZhCN } from "./engagement.zh-CN";
import { loyaltyEn } from "./en";
import { loyaltyZhCN } from "./zh-CN";

// Tasks and badges keep their strings in files of their own (engagement.*), merged here.
export const loyaltyLocales = { en: { ...loyaltyEn, ...engagementEn }, "zh-CN": { ...loyaltyZhCN, ...engagementZhCN } };
