import { scoresEn } from "./en";
import { scoresZhCN } from "./zh-CN";

export const scoresLocales = { en: scoresEn, "zh-CN": scoresZhCN };
