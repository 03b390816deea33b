import { operatorsEn } from "./en";
import { operatorsZhCN } from "./zh-CN";

export const operatorsLocales = { en: operatorsEn, "zh-CN": operatorsZhCN };
