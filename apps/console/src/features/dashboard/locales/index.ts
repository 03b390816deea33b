import { dashboardEn } from "./en";
import { dashboardZhCN } from "./zh-CN";

export const dashboardLocales = { en: dashboardEn, "zh-CN": dashboardZhCN };
