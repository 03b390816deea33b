import { messagingEn } from "./en";
import { messagingZhCN } from "./zh-CN";

export const messagingLocales = { en: messagingEn, "zh-CN": messagingZhCN };
