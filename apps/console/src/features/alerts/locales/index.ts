import { alertsEn } from "./en";
import { alertsZhCN } from "./zh-CN";

export const alertsLocales = { en: alertsEn, "zh-CN": alertsZhCN };
